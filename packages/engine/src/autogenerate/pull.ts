import { withConnection } from '../dialects/connection.js';
import type { DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import type { SchemaModel } from '../schema/model.js';
import { PullUnsupportedError } from './errors.js';
import { renderDrizzleSchema } from './render-drizzle-schema.js';

/** Where {@link pullSchema} reads. */
export interface PullOptions {
  readonly dialect: DialectName;
  /** The database URL (never printed unmasked). */
  readonly url: string;
}

/**
 * The result of {@link pullSchema}.
 *
 * @example
 * ```ts
 * import type { PullResult } from '@strata/engine';
 * declare const result: PullResult;
 * console.log(`${result.model.tables.size} table(s)`);
 * ```
 */
export interface PullResult {
  /** The Drizzle schema module's source. */
  readonly source: string;
  /** The schema read from the database, which the source spells. */
  readonly model: SchemaModel;
  /** The database URL with its password masked. */
  readonly url: string;
}

/**
 * `strata pull`: reads a database's schema through the inspector (every table but Strata's own, and
 * on PostgreSQL its enum types) and writes it as a Drizzle schema module ({@link renderDrizzleSchema}).
 * Read back through Strata's Drizzle adapter, the module gives the model read from the database. Objects
 * the model does not hold (triggers; on MySQL and SQLite views) are refused by name ({@link PullUnsupportedError}).
 *
 * @example
 * ```ts
 * import { pullSchema } from '@strata/engine';
 * const { source } = await pullSchema({ dialect: 'postgresql', url: 'postgres://postgres@127.0.0.1/legacy' });
 * ```
 */
export async function pullSchema(options: PullOptions): Promise<PullResult> {
  const dialect = await loadDialect(options.dialect);
  return withConnection(
    dialect,
    options.url,
    async (connection) => {
      const unmodelled = await dialect.readUnmodelled(connection);
      if (unmodelled.length > 0) {
        throw new PullUnsupportedError(unmodelled.join(', '), 'Strata does not read these into its schema model yet, so the file would lack them');
      }
      const model = await dialect.readSchema(connection);
      return { source: renderDrizzleSchema(model, dialect.drizzleFlavour), model, url: connection.redactedUrl };
    },
    { mustExist: true },
  );
}
