import type { HistoryEntry } from '../runner/ledger.js';
import { historyEntryLine } from './format-revision.js';
import type { Output } from './output.js';

/**
 * Prints `history --applied` the same way for the CLI and the Nx executor: the stream's ledger rows
 * newest first, the order `history` lists the revision files in (heads down to the bases, as Alembic's
 * `history`), in the text and in the JSON document (`{ stream, history }`) alike. `rows` come as
 * {@link appliedHistory} reads them, oldest first.
 *
 * @example
 * ```ts
 * import { appliedHistory, Output, reportAppliedHistory } from '@strata/engine';
 * const stream = { name: 'app', dialect: 'sqlite', url: 'file:app.db' } as const;
 * reportAppliedHistory(new Output({ json: false }), stream.name, await appliedHistory(stream), false);
 * ```
 */
export function reportAppliedHistory(out: Output, stream: string, rows: readonly HistoryEntry[], verbose: boolean): void {
  const newestFirst = [...rows].reverse();
  out.result({ stream, history: newestFirst }, () => {
    if (newestFirst.length === 0) out.line(`Stream "${stream}": nothing recorded yet.`);
    for (const row of newestFirst) out.line(historyEntryLine(row, verbose));
  });
}
