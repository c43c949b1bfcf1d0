import { RenameHintFormatError } from './errors.js';
import type { RenameHints } from './generate.js';

/** The rename hints as given on the command line or in Nx options: one `FROM=TO` text per hint. */
export interface RenameHintTexts {
  /** `--rename TABLE.OLD=NEW`: a column renamed, not dropped and added. */
  readonly columns?: readonly string[];
  /** `--rename-table OLD=NEW`: a table renamed (a PostgreSQL table of a schema is `schema.name`). */
  readonly tables?: readonly string[];
  /** `--rename-enum-value TYPE.OLD=NEW`: an enum value renamed in place (PostgreSQL). */
  readonly enumValues?: readonly string[];
}

/**
 * The one reader of rename hints, for `strata revision --autogenerate` and `nx g @strata/nx:migration`
 * alike. A hint not of its flag's form throws {@link RenameHintFormatError}.
 *
 * @example
 * ```ts
 * import { parseRenameHints } from '@strata/engine';
 * parseRenameHints({ columns: ['users.name=full_name'] }); // { columns: { 'users.name': 'full_name' }, tables: {}, enumValues: {} }
 * ```
 */
export function parseRenameHints(texts: RenameHintTexts): Required<RenameHints> {
  const pairs = (given: readonly string[] = [], flag: '--rename' | '--rename-table' | '--rename-enum-value', shape: RegExp): Record<string, string> =>
    Object.fromEntries(
      given.map((text) => {
        const match = shape.exec(text);
        if (!match) throw new RenameHintFormatError(flag, text);
        return [match[1] as string, match[2] as string];
      }),
    );
  return {
    columns: pairs(texts.columns, '--rename', /^([^=]+\.[^=.]+)=([^=.]+)$/),
    // A table of a PostgreSQL schema is `schema.name` (`billing.bills=billing.invoices`).
    tables: pairs(texts.tables, '--rename-table', /^([^=.]+(?:\.[^=.]+)?)=([^=.]+(?:\.[^=.]+)?)$/),
    // Enum values may hold dots: the type is everything before the first one.
    enumValues: pairs(texts.enumValues, '--rename-enum-value', /^([^=.]+\.[^=]+)=([^=]+)$/),
  };
}
