import type { RevisionGraph } from '../revision/revision-graph.js';
import { appliedFromHistory, type HistoryState } from './ledger.js';

/**
 * How a stream's two ledger tables disagree. Every field lists revision ids, sorted; an empty list
 * means that side agrees.
 */
export interface LedgerDisagreement {
  /** Rows of `strata_version` below another row: a row that should have moved along or been removed. */
  readonly extraRows: readonly string[];
  /** Applied according to the version rows (the rows and their ancestors), with no `up`/`stamp` history row left standing. */
  readonly notInHistory: readonly string[];
  /** Applied according to `strata_history`, but neither a version row nor below one. */
  readonly notInVersions: readonly string[];
  /** Applied according to `strata_history`, but no revision file has the id. */
  readonly unknownInHistory: readonly string[];
  /** The version rows that make both tables agree again, assuming every revision either table calls applied is applied: `strata stamp <these>`. */
  readonly repairTargets: readonly string[];
}

/**
 * Cross-checks a stream's version rows against its history, and the history against the revision
 * files. Every legitimate sequence keeps them in step: an upgrade step moves the rows and appends
 * one `up` row in the same transaction, a downgrade step one `down` row, and a stamp one `stamp` or
 * `unstamp` row per revision it marks or unmarks. So the revisions the history leaves applied are
 * exactly the rows and their ancestors (parents and same-stream dependsOn), and the rows are the heads
 * of that set. A hand-edited or dropped table breaks this; running on would re-apply revisions (a
 * deleted row) or lose checksum protection (a dropped history).
 *
 * Rows naming a revision no file has are left to the planner's own error (`REVISION_UNKNOWN_CURRENT`):
 * undefined is returned for them, as for a ledger that agrees.
 *
 * @example
 * ```ts
 * import { compareLedger } from './ledger-check.js';
 * // const problem = compareLedger(graph, await ledger.heads(), await ledger.history());
 * // if (problem) throw new LedgerMismatchError('app', problem);
 * ```
 */
export function compareLedger(graph: RevisionGraph, rows: readonly string[], history: readonly HistoryState[]): LedgerDisagreement | undefined {
  if (rows.some((id) => !graph.has(id))) return undefined;
  const recorded = [...appliedFromHistory(history).keys()];
  const known = recorded.filter((id) => graph.has(id));
  const unknownInHistory = recorded.filter((id) => !graph.has(id)).sort();
  const fromRows = new Set(graph.ancestors(rows, { inclusive: true }));
  const inHistory = new Set(known);
  const extraRows = graph.strictAncestorsAmong(rows, rows);
  const notInHistory = [...fromRows].filter((id) => !inHistory.has(id));
  const notInVersions = known.filter((id) => !fromRows.has(id));
  if (extraRows.length + notInHistory.length + notInVersions.length + unknownInHistory.length === 0) return undefined;
  return {
    extraRows: [...extraRows].sort(),
    notInHistory: graph.sortTopologically(notInHistory),
    notInVersions: graph.sortTopologically(notInVersions),
    unknownInHistory,
    repairTargets: [...graph.headsOf([...fromRows, ...known])],
  };
}

/** The stamp command that repairs a disagreement (`strata stamp base` when nothing is applied). */
export function repairCommand(disagreement: LedgerDisagreement): string {
  return `strata stamp ${disagreement.repairTargets.length === 0 ? 'base' : disagreement.repairTargets.join(' ')}`;
}

/** One sentence per way the tables disagree. */
export function describeDisagreement(disagreement: LedgerDisagreement): string[] {
  const list = (ids: readonly string[]) => ids.join(', ');
  const lines: string[] = [];
  if (disagreement.extraRows.length > 0) {
    lines.push(`strata_version has row(s) ${list(disagreement.extraRows)} below another of its rows (only the heads of the applied revisions have a row)`);
  }
  if (disagreement.notInHistory.length > 0) {
    lines.push(
      `the version rows mark ${list(disagreement.notInHistory)} applied, but strata_history has no standing up/stamp row for ${disagreement.notInHistory.length === 1 ? 'it' : 'them'} ` +
        `(was strata_history dropped or emptied? checksum protection for ${disagreement.notInHistory.length === 1 ? 'that file' : 'those files'} is gone)`,
    );
  }
  if (disagreement.notInVersions.length > 0) {
    lines.push(
      `strata_history records ${list(disagreement.notInVersions)} as applied, but no strata_version row is at or above ${disagreement.notInVersions.length === 1 ? 'it' : 'them'} ` +
        `(was a version row deleted? an upgrade would run ${disagreement.notInVersions.length === 1 ? 'it' : 'them'} a second time)`,
    );
  }
  if (disagreement.unknownInHistory.length > 0) {
    lines.push(`strata_history records ${list(disagreement.unknownInHistory)} as applied, but no revision file has ${disagreement.unknownInHistory.length === 1 ? 'this id' : 'these ids'}`);
  }
  return lines;
}
