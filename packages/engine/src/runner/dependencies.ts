import { loadDialect } from '../dialects/registry.js';
import { LiveSink } from './sql-sink.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { DependencyNotAppliedError, UnknownStreamError, type CrossStreamReference } from './errors.js';
import { appliedFromHistory, Ledger } from './ledger.js';
import type { StreamTarget } from './runner.js';
import { withConnection } from '../dialects/connection.js';
import { DatabaseFileMissingError } from '../dialects/errors.js';

/**
 * One stream of the workspace as the runner sees it: where its ledger lives, and its revisions (whose
 * `dependsOn` entries say which other streams' revisions it needs).
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, type WorkspaceStream } from '@strata/engine';
 * const accounts: WorkspaceStream = {
 *   stream: { name: 'accounts', dialect: 'postgresql', url: 'postgres://postgres@127.0.0.1:5432/accounts' },
 *   graph: new RevisionGraph(loadRevisions('apps/accounts/migrations')),
 * };
 * ```
 */
export interface WorkspaceStream {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
}

/**
 * Every stream the caller knows, by stream name (the key must equal `stream.name`). Streams may share one
 * database or live in different ones. The stream being run may be in it too; it is skipped where it
 * would be its own dependent.
 *
 * @example
 * ```ts
 * import type { Workspace, WorkspaceStream } from '@strata/engine';
 * declare const accounts: WorkspaceStream;
 * declare const billing: WorkspaceStream;
 * const workspace: Workspace = new Map([['accounts', accounts], ['billing', billing]]);
 * ```
 */
export type Workspace = ReadonlyMap<string, WorkspaceStream>;

/** What a stream's ledger says: whether it holds any row of the stream, and the revisions applied now. @internal */
interface LedgerState {
  readonly known: boolean;
  readonly applied: ReadonlySet<string>;
}

/**
 * The revisions of `target.name` that the ledger in `target.url` records as applied: those whose latest
 * history row is `up` or `stamp` (not followed by `down` or `unstamp`), as `Ledger.appliedChecksums`
 * reads them. The history rather than the version rows plus the other stream's graph, because it needs
 * no revision file of the other stream (so a stream the workspace does not list, sharing the database,
 * can be checked too), and it says the same thing: every run and stamp writes its version rows and its
 * history rows in one transaction. Reads without the lock and never creates the ledger, nor the
 * database: one that does not exist yet (the other stream's SQLite file) has nothing applied. @internal
 */
async function readLedger(target: StreamTarget): Promise<LedgerState> {
  const dialect = await loadDialect(target.dialect);
  try {
    return await withConnection(
      dialect,
      target.url,
      async (connection) => {
        const ledger = new Ledger(new LiveSink(connection), dialect, target.name, connection);
        if (!(await ledger.exists())) return { known: false, applied: new Set<string>() };
        const latest = await ledger.latestStates();
        return { known: latest.length > 0, applied: new Set(appliedFromHistory(latest).keys()) };
      },
      { mustExist: true },
    );
  } catch (error) {
    if (error instanceof DatabaseFileMissingError) return { known: false, applied: new Set() };
    throw error;
  }
}

/**
 * Whether `written` (a `dependsOn` revision: a full id, a prefix of 4+ characters as targets accept, or
 * a branch label of the stream `graph` holds) names one of `ids`. @internal
 */
function names(written: string, ids: ReadonlySet<string>, graph?: RevisionGraph): boolean {
  if (ids.has(written)) return true;
  // A branch label of the other stream (`accounts@billing_api`) names the revision that declares it.
  const labelled = graph?.branchLabels().find((entry) => entry.label === written)?.revision;
  if (labelled !== undefined) return ids.has(labelled);
  if (written.length < 4) return false;
  for (const id of ids) if (id.startsWith(written)) return true;
  return false;
}

/** What {@link verifyDependencies} checks. @internal */
export interface VerifyDependenciesOptions {
  readonly stream: StreamTarget;
  readonly graph: RevisionGraph;
  /** The revisions the run will apply, in order. */
  readonly applying: readonly string[];
  /** The stream's own applied revisions (for a `dependsOn` naming the stream itself as `name@rev`). */
  readonly applied: ReadonlySet<string>;
  readonly workspace: Workspace | undefined;
}

/**
 * Checks, before anything is applied, that every `stream@rev` in the `dependsOn` of the revisions to apply
 * is applied in that stream's ledger. The other stream's ledger is found through the workspace; a stream
 * the workspace does not list is looked for in the run's own database (streams may share one).
 *
 * @throws UnknownStreamError when a named stream is neither in the workspace nor has ledger rows in the
 *   run's database; DependencyNotAppliedError when a named revision is not applied. @internal
 */
export async function verifyDependencies(options: VerifyDependenciesOptions): Promise<void> {
  const { stream, graph, applying, workspace } = options;
  const byStream = new Map<string, CrossStreamReference[]>();
  for (const id of applying) {
    for (const dependency of graph.externalDependencies(id)) {
      const reference = { stream: stream.name, revision: id, dependsOnStream: dependency.stream, dependsOnRevision: dependency.revision };
      byStream.set(dependency.stream, [...(byStream.get(dependency.stream) ?? []), reference]);
    }
  }
  const unknown: CrossStreamReference[] = [];
  const missing: CrossStreamReference[] = [];
  for (const [other, references] of [...byStream].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (other === stream.name) {
      // `self@rev`: satisfied by what is applied or applied earlier in this run.
      for (const reference of references) {
        const earlier = new Set([...options.applied, ...applying.slice(0, applying.indexOf(reference.revision))]);
        if (!names(reference.dependsOnRevision, earlier)) missing.push(reference);
      }
      continue;
    }
    const entry = workspace?.get(other);
    const state = await readLedger(entry?.stream ?? { ...stream, name: other });
    if (entry === undefined && !state.known) {
      unknown.push(...references);
      continue;
    }
    missing.push(...references.filter((r) => !names(r.dependsOnRevision, state.applied, entry?.graph)));
  }
  if (unknown.length > 0) throw new UnknownStreamError(stream.name, unknown, [...(workspace?.keys() ?? [])].sort());
  if (missing.length > 0) throw new DependencyNotAppliedError(stream.name, missing);
}

/**
 * The applied revisions of the given streams whose `dependsOn` names one of `reverting` in stream
 * `stream`. A stream's ledger is read only when its revision files declare such a dependency. @internal
 */
export async function findAppliedDependents(
  stream: string,
  reverting: ReadonlySet<string>,
  candidates: Iterable<readonly [string, WorkspaceStream]>,
): Promise<CrossStreamReference[]> {
  const found: CrossStreamReference[] = [];
  const sorted = [...candidates].sort(([a], [b]) => (a < b ? -1 : 1));
  const ownGraph = sorted.find(([name]) => name === stream)?.[1].graph;
  for (const [name, entry] of sorted) {
    if (name === stream) continue;
    const declaring: CrossStreamReference[] = [];
    for (const revision of entry.graph.revisions) {
      for (const dependency of entry.graph.externalDependencies(revision.id)) {
        if (dependency.stream === stream && names(dependency.revision, reverting, ownGraph)) {
          declaring.push({ stream: name, revision: revision.id, dependsOnStream: stream, dependsOnRevision: dependency.revision });
        }
      }
    }
    if (declaring.length === 0) continue;
    const { applied } = await readLedger(entry.stream);
    found.push(...declaring.filter((reference) => applied.has(reference.revision)));
  }
  return found;
}

/**
 * The downgrade targets that revert `offending` (and what descends from them) in a dependent stream: the
 * parents of the offending revisions no other offending revision precedes, i.e. just below the first
 * revision that depends on something reverted. As any downgrade to a revision, it also reverts other
 * branches growing from that parent. `[]` (base) when one of them is a base revision. @internal
 */
export function cascadeTargets(graph: RevisionGraph, offending: readonly string[]): string[] {
  const set = [...new Set(offending)];
  const first = set.filter((id) => !set.some((other) => other !== id && graph.isAncestor(other, id)));
  if (first.some((id) => graph.get(id).parents.length === 0)) return [];
  return [...new Set(first.flatMap((id) => graph.get(id).parents))].sort();
}
