import type { Revision } from '../revision/revision.js';
import type { HistoryEntry } from '../runner/ledger.js';
import type { RevisionGraph } from '../revision/revision-graph.js';

/** Alembic's one-line form: `parents -> id (head) (branchpoint), message`. */
export function revisionLine(graph: RevisionGraph, revision: Revision, current: ReadonlySet<string> = new Set()): string {
  const from = revision.parents.length === 0 ? '<base>' : revision.parents.join(', ');
  return `${from} -> ${revision.id}${markers(graph, revision.id, current)}, ${revision.message || '(no message)'}`;
}

/** The markers Alembic prints after an id: (head), (current), (branchpoint), (mergepoint), labels. */
export function markers(graph: RevisionGraph, id: string, current: ReadonlySet<string> = new Set()): string {
  const marks: string[] = [];
  const labels = graph.get(id).branchLabels;
  if (labels.length > 0) marks.push(`(${labels.join(', ')})`);
  if (graph.heads().includes(id)) marks.push('(head)');
  if (current.has(id)) marks.push('(current)');
  if (graph.children(id).length > 1) marks.push('(branchpoint)');
  if (graph.get(id).parents.length > 1) marks.push('(mergepoint)');
  return marks.length > 0 ? ' ' + marks.join(' ') : '';
}

/** The multi-line form of `--verbose` and `show`. */
export function revisionBlock(graph: RevisionGraph, revision: Revision, current: ReadonlySet<string> = new Set()): string {
  const lines = [
    `Rev: ${revision.id}${markers(graph, revision.id, current)}`,
    `Parent: ${revision.parents.length === 0 ? '<base>' : revision.parents.join(', ')}`,
  ];
  const children = graph.children(revision.id);
  if (children.length > 0) lines.push(`${children.length > 1 ? 'Branches into' : 'Child'}: ${children.join(', ')}`);
  if (revision.dependsOn.length > 0) lines.push(`Also depends on: ${revision.dependsOn.join(', ')}`);
  const labels = graph.labelsOf(revision.id);
  if (labels.length > 0) lines.push(`Branch names: ${labels.join(', ')}`);
  if (revision.file) lines.push(`Path: ${revision.file}`);
  lines.push('', `    ${revision.message || '(no message)'}`, '');
  return lines.join('\n');
}

/** A revision as `--json` shows it. */
export function revisionJson(graph: RevisionGraph, revision: Revision): Record<string, unknown> {
  return {
    id: revision.id,
    parents: revision.parents,
    message: revision.message,
    dependsOn: revision.dependsOn,
    branchLabels: graph.labelsOf(revision.id),
    children: graph.children(revision.id),
    isHead: graph.heads().includes(revision.id),
    isBranchPoint: graph.children(revision.id).length > 1,
    isMergePoint: revision.parents.length > 1,
    file: revision.file ?? null,
  };
}

/** Milliseconds for humans. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** One `strata_history` row as `history --applied` prints it (`verbose` adds the file and its checksum). */
export function historyEntryLine(row: HistoryEntry, verbose: boolean): string {
  return (
    `${row.startedAt}  ${row.direction.padEnd(7)} ${row.revision}  ${formatDuration(row.durationMs).padStart(8)}  ${row.appliedBy}  v${row.toolVersion}  ${row.message}` +
    (verbose ? `\n    file: ${row.file ?? '-'}\n    checksum: ${row.checksum ?? '-'}` : '')
  );
}
