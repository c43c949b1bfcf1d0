import type { StreamLayout } from '../config/stream-settings.js';
import { revisionBlock, revisionJson, revisionLine } from '../report/format-revision.js';
import type { Output } from '../report/output.js';
import { revisionsInRange } from '../revision/revision-range.js';
import type { RevisionGraph } from '../revision/revision-graph.js';

/** What {@link historyCommand} lists. */
export interface HistoryCommandOptions {
  readonly stream: StreamLayout;
  readonly graph: RevisionGraph;
  /** `START:END` (Alembic's `-r`); either side may be empty, an id, `head`, `base`, `current`... */
  readonly range?: string;
  /** Mark the revisions the database is at. */
  readonly indicateCurrent?: boolean;
  readonly verbose?: boolean;
  /** Reads the database's heads: called only when `indicateCurrent` or a `current` in the range needs them. */
  readonly currentHeads: () => Promise<readonly string[]>;
}

/**
 * `strata history` and the Nx `migrate-history` target: the stream's revisions from the heads down
 * to the bases, newest first, limited to `range`; the database is read only when the listing needs
 * where it stands. (`--applied`, the ledger's rows, is `reportAppliedHistory`.)
 *
 * @example
 * ```ts
 * import { current, historyCommand, Output } from '@strata/engine';
 * // await historyCommand(new Output({ json: false }), { stream, graph, range: 'base:head', currentHeads: async () => (await current(settings)).heads });
 * ```
 */
export async function historyCommand(out: Output, options: HistoryCommandOptions): Promise<void> {
  const { stream, graph, range } = options;
  const needsDb = options.indicateCurrent === true || (range?.includes('current') ?? false);
  const current = needsDb ? await options.currentHeads() : [];
  const ids = revisionsInRange(graph, range === '' ? undefined : range, current);
  const marked = new Set(current);
  out.result({ stream: stream.name, revisions: ids.map((id) => revisionJson(graph, graph.get(id))), current }, () => {
    if (ids.length === 0) {
      out.line(
        graph.revisions.length === 0
          ? `Stream "${stream.name}" has no revisions yet (${stream.revisionsDir}).`
          : `No revision of stream "${stream.name}" lies in the range ${range ?? ''}.`,
      );
    }
    for (const id of ids) out.line(options.verbose ? revisionBlock(graph, graph.get(id), marked) : revisionLine(graph, graph.get(id), marked));
  });
}
