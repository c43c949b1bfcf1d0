import type { ExecutorContext } from '@nx/devkit';
import type { Revision, RevisionGraph } from '@strata/engine';
import { formatDuration, UsageError } from '../../utils/output';
import { runStrata } from '../../utils/run-executor';
import type { MigrateHistoryExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-history`: the stream's revisions, newest first (Alembic's history), or with
 * `--applied` the ledger rows (`strata_history`).
 */
export default async function migrateHistoryExecutor(options: MigrateHistoryExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, settings, layout, graph }) => {
    if (options.applied) {
      const stream = settings();
      const rows = await engine.appliedHistory(stream);
      out.result({ stream: stream.name, history: rows }, () => {
        if (rows.length === 0) out.line(`Stream "${stream.name}": nothing recorded yet.`);
        for (const row of rows) {
          out.line(
            `${row.startedAt}  ${row.direction.padEnd(7)} ${row.revision}  ${formatDuration(row.durationMs).padStart(8)}  ${row.appliedBy}  v${row.toolVersion}  ${row.message}` +
              (options.verbose ? `\n    file: ${row.file ?? '-'}\n    checksum: ${row.checksum ?? '-'}` : ''),
          );
        }
      });
      return;
    }
    const needsDb = options.indicateCurrent === true || (options.rev?.includes('current') ?? false);
    const stream = needsDb ? settings() : layout();
    const revisions = graph(stream);
    const current = needsDb ? (await engine.current(settings())).heads : [];
    const ids = inRange(revisions, options.rev, current, (t) => (t === 'current' ? [...current] : engine.resolveTarget(revisions, t, current, 'show')));
    const marked = new Set(current);
    out.result({ stream: stream.name, revisions: ids.map((id) => summary(revisions, revisions.get(id))), current }, () => {
      if (ids.length === 0) out.line(`Stream "${stream.name}": no revisions${options.rev ? ` in ${options.rev}` : ''}.`);
      for (const id of ids) out.line(options.verbose ? block(revisions, revisions.get(id), marked) : line(revisions, revisions.get(id), marked));
    });
  });
}

/** The ids of `START:END`, newest first. */
function inRange(graph: RevisionGraph, range: string | undefined, _current: readonly string[], resolve: (target: string) => readonly string[]): string[] {
  let within = new Set(graph.revisions.map((r) => r.id));
  if (range !== undefined && range !== '') {
    const parts = range.split(':');
    if (parts.length !== 2) throw new UsageError(`--rev takes START:END (either side may be empty), not "${range}".`, 'Example: --rev=base:head or --rev=current:');
    const [start, end] = parts as [string, string];
    if (start !== '' && start !== 'base') within = new Set(graph.descendants(resolve(start), { inclusive: true }));
    if (end !== '' && end !== 'heads') {
      const upTo = new Set(graph.ancestors(resolve(end), { inclusive: true }));
      within = new Set([...within].filter((id) => upTo.has(id)));
    }
  }
  return graph.revisions.map((r) => r.id).filter((id) => within.has(id)).reverse();
}

function markers(graph: RevisionGraph, id: string, current: ReadonlySet<string>): string {
  const marks: string[] = [];
  const labels = graph.get(id).branchLabels;
  if (labels.length > 0) marks.push(`(${labels.join(', ')})`);
  if (graph.heads().includes(id)) marks.push('(head)');
  if (current.has(id)) marks.push('(current)');
  if (graph.children(id).length > 1) marks.push('(branchpoint)');
  if (graph.get(id).parents.length > 1) marks.push('(mergepoint)');
  return marks.length > 0 ? ' ' + marks.join(' ') : '';
}

function line(graph: RevisionGraph, revision: Revision, current: ReadonlySet<string>): string {
  const from = revision.parents.length === 0 ? '<base>' : revision.parents.join(', ');
  return `${from} -> ${revision.id}${markers(graph, revision.id, current)}, ${revision.message || '(no message)'}`;
}

function block(graph: RevisionGraph, revision: Revision, current: ReadonlySet<string>): string {
  const lines = [`Rev: ${revision.id}${markers(graph, revision.id, current)}`, `Parent: ${revision.parents.length === 0 ? '<base>' : revision.parents.join(', ')}`];
  if (revision.dependsOn.length > 0) lines.push(`Also depends on: ${revision.dependsOn.join(', ')}`);
  if (revision.file) lines.push(`Path: ${revision.file}`);
  lines.push('', `    ${revision.message || '(no message)'}`, '');
  return lines.join('\n');
}

function summary(graph: RevisionGraph, revision: Revision): Record<string, unknown> {
  return {
    id: revision.id,
    parents: revision.parents,
    message: revision.message,
    dependsOn: revision.dependsOn,
    branchLabels: revision.branchLabels,
    isHead: graph.heads().includes(revision.id),
    file: revision.file ?? null,
  };
}
