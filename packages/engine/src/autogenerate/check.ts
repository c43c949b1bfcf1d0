import { readFileSync } from 'node:fs';
import type { DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { replaySchema } from '../offline/offline-runner.js';
import type { Op } from '../ops/op.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { readDrizzleSchema } from '../schema/drizzle-adapter.js';
import { findUnguardedOperations, type UnguardedOperation } from './check-guards.js';
import { missingCrossStreamDependencies, type MissingCrossStreamDependency, type TableOwner } from './cross-stream.js';
import { addOwned, ownedNames, readOwnedSchema } from './owned.js';
import { diffSchemas } from './diff.js';
import { withConnection } from '../dialects/connection.js';
import { readLedger } from '../runner/runner.js';
import { compareLedger, describeDisagreement, repairCommand, type LedgerDisagreement } from '../runner/ledger-check.js';
import { planUpgrade } from '../revision/plan.js';
import { destructiveOperationsOf, recordPending, type PendingDestructiveOperation } from './check-destructive.js';
import { describeUnsafeOperation, findLiveUnsafeOperations, findUnsafeOperations, type UnsafeOperation } from './check-safety.js';

/** One reason `strata check` fails. */
export type CheckFinding =
  | { readonly kind: 'multiple-heads'; readonly heads: readonly string[] }
  | { readonly kind: 'unguarded-operation'; readonly operation: UnguardedOperation }
  | { readonly kind: 'schema-not-generated'; readonly operations: readonly Op[] }
  | { readonly kind: 'database-drift'; readonly operations: readonly Op[] }
  | { readonly kind: 'blind-revision'; readonly revision: string; readonly sql: string }
  | ({ readonly kind: 'missing-cross-stream-dependency' } & MissingCrossStreamDependency)
  | { readonly kind: 'ledger-mismatch'; readonly disagreement: LedgerDisagreement }
  | { readonly kind: 'destructive-operation'; readonly operation: PendingDestructiveOperation }
  | { readonly kind: 'unlisted-operations'; readonly revision: string; readonly reason: string }
  | { readonly kind: 'unsafe-operation'; readonly operation: UnsafeOperation };

/** The findings {@link reportCheck} prints as warnings: they do not fail the check. */
export const WARNING_FINDINGS: ReadonlySet<CheckFinding['kind']> = new Set([
  'blind-revision',
  'destructive-operation',
  'unlisted-operations',
  'unsafe-operation',
]);

/** What {@link checkStream} looks at. */
export interface CheckOptions {
  readonly stream: string;
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  /** The Drizzle schema modules; without them only the graph and the revision sources are checked. */
  readonly schemaFiles?: readonly string[];
  readonly casing?: 'snake_case' | 'camelCase';
  /**
   * Also cross-check the stream's ledger tables in this database (version rows against history rows
   * against revision files) and, with a Drizzle schema, compare the live schema with it.
   */
  readonly database?: { readonly url: string };
  /**
   * Which other stream owns each table ({@link tableOwners}): a revision adding a foreign key to one
   * of them must depend on that stream (`missing-cross-stream-dependency`).
   */
  readonly owners?: ReadonlyMap<string, TableOwner>;
}

/**
 * The checks a pipeline runs before it merges: the stream has one head; every schema operation in
 * every revision sits behind a guard (static check of the source); the Drizzle schema equals what
 * the revisions build (no revision left to generate); with `database`, the live schema equals the
 * Drizzle schema — over the tables and enums the stream owns (in its Drizzle schema or built by its
 * revisions), since other streams may migrate the same database. With `owners`, a revision that adds
 * a foreign key to a table another stream owns must depend on that stream. Drift is judged by comparing
 * schema models, never by drizzle-kit's push planner.
 *
 * @example
 * ```ts
 * import { checkStream, loadRevisions, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('apps/accounts/migrations'));
 * const findings = await checkStream({ stream: 'accounts', dialect: 'postgresql', graph, schemaFiles: ['/repo/apps/accounts/src/schema.ts'] });
 * if (findings.length > 0) process.exitCode = 1;
 * ```
 */
export async function checkStream(options: CheckOptions): Promise<CheckFinding[]> {
  const findings: CheckFinding[] = [];
  const heads = options.graph.heads();
  if (heads.length > 1) findings.push({ kind: 'multiple-heads', heads });
  for (const revision of options.graph.revisions) {
    if (revision.file === undefined) continue;
    for (const operation of findUnguardedOperations(readFileSync(revision.file, 'utf8'), revision.file)) {
      findings.push({ kind: 'unguarded-operation', operation });
    }
  }
  if (options.owners !== undefined && options.owners.size > 0 && heads.length === 1) {
    const missing = await missingCrossStreamDependencies({ stream: options.stream, dialect: options.dialect, graph: options.graph, to: heads[0] as string, owners: options.owners });
    for (const entry of missing) findings.push({ kind: 'missing-cross-stream-dependency', ...entry });
  }
  // Pending: what an upgrade of the database would apply (with --db), else every revision from base.
  let pendingFrom: readonly string[] | undefined = [];
  if (options.database) {
    const target = { name: options.stream, dialect: options.dialect, url: options.database.url };
    const { heads: rows, history } = await readLedger(target);
    const disagreement = compareLedger(options.graph, rows, history);
    if (disagreement) findings.push({ kind: 'ledger-mismatch', disagreement });
    pendingFrom = disagreement || rows.some((id) => !options.graph.has(id)) ? undefined : rows;
  }
  if (pendingFrom !== undefined) findings.push(...(await pendingFindings(options, pendingFrom)));
  if (options.schemaFiles === undefined || options.schemaFiles.length === 0) return findings;
  const dialect = await loadDialect(options.dialect);
  const drizzle = await readDrizzleSchema({
    dialect,
    schemaFiles: options.schemaFiles,
    ...(options.casing ? { casing: options.casing } : {}),
  });
  const capabilities = { enums: dialect.capabilities.enums };
  // Several streams may share the database: the stream owns what its Drizzle schema or its revisions hold.
  const owned = ownedNames(drizzle);
  if (heads.length <= 1) {
    const replay = await replaySchema({ dialect: options.dialect, graph: options.graph, to: heads[0] ?? 'base', stream: options.stream });
    addOwned(owned, replay.model);
    for (const blind of replay.blindRevisions) findings.push({ kind: 'blind-revision', ...blind });
    // With blind raw SQL the model is not the schema the revisions build: comparing it would list false changes.
    if (replay.blindRevisions.length === 0) {
      const pending = diffSchemas(replay.model, drizzle, { capabilities }).ops;
      if (pending.length > 0) findings.push({ kind: 'schema-not-generated', operations: pending });
    }
  }
  if (options.database) {
    const live = await withConnection(dialect, options.database.url, (connection) => readOwnedSchema(dialect, connection, owned), { mustExist: true });
    const drift = diffSchemas(live, drizzle, { capabilities }).ops;
    if (drift.length > 0) findings.push({ kind: 'database-drift', operations: drift });
  }
  return findings;
}

/**
 * The destructive and the unsafe (long-locking) operations of the revisions an upgrade from `from` to
 * every head would apply, listed once; with a database, each unsafe operation's table gets its row estimate.
 */
async function pendingFindings(options: CheckOptions, from: readonly string[]): Promise<CheckFinding[]> {
  const revisions = planUpgrade(options.graph, from, options.graph.heads()).map((step) => step.revision.id);
  if (revisions.length === 0) return [];
  const pending = await recordPending({ dialect: options.dialect, graph: options.graph, stream: options.stream, from, revisions });
  const report = destructiveOperationsOf(pending);
  const dialect = await loadDialect(options.dialect);
  const unsafe = options.database
    ? await findLiveUnsafeOperations(dialect, options.database.url, options.graph, pending)
    : findUnsafeOperations(dialect, options.graph, pending);
  return [
    ...report.operations.map((operation): CheckFinding => ({ kind: 'destructive-operation', operation })),
    ...report.unanalyzed.map(({ revision, reason }): CheckFinding => ({ kind: 'unlisted-operations', revision, reason })),
    ...unsafe.map((operation): CheckFinding => ({ kind: 'unsafe-operation', operation })),
  ];
}

/** The commands a finding names as its fix: the `strata` verbs, or the Nx targets and generators. */
export interface CheckCommands {
  readonly merge: string;
  readonly generate: string;
  readonly repair: string;
}

/** The fixes as the `strata` command spells them. */
export const STRATA_COMMANDS: CheckCommands = { merge: 'strata merge', generate: 'strata revision --autogenerate', repair: 'strata repair' };

/**
 * One line for a finding, naming the command that fixes it (the CLI and the Nx executor print it).
 *
 * @example
 * ```ts
 * import { describeCheckFinding } from '@strata/engine';
 * describeCheckFinding({ kind: 'multiple-heads', heads: ['a1b2c3d4e5f6', 'f6e5d4c3b2a1'] });
 * // 'several heads: a1b2c3d4e5f6, f6e5d4c3b2a1 (strata merge)'
 * ```
 */
export function describeCheckFinding(finding: CheckFinding, commands: CheckCommands = STRATA_COMMANDS): string {
  switch (finding.kind) {
    case 'multiple-heads':
      return `several heads: ${finding.heads.join(', ')} (${commands.merge})`;
    case 'unguarded-operation':
      return `unguarded op.${finding.operation.method} at ${finding.operation.file}:${finding.operation.line}`;
    case 'schema-not-generated':
      return `the Drizzle schema differs from the revisions (${commands.generate}): ${summarize(finding.operations)}`;
    case 'database-drift':
      return `the database differs from the Drizzle schema: ${summarize(finding.operations)}`;
    case 'blind-revision':
      return `revision ${finding.revision} runs raw SQL the schema model cannot follow: ${finding.sql.split('\n')[0]}`;
    case 'missing-cross-stream-dependency': {
      const dependency = `${finding.owner.stream}@${finding.owner.head}`;
      return (
        `revision ${finding.revision}${finding.file ? ` (${finding.file})` : ''} adds foreign key ${finding.foreignKey} on ${finding.table} to table ${finding.referencedTable}, ` +
        `which stream ${finding.owner.stream} owns, without depending on that stream: add \`dependsOn: ['${dependency}']\` to the revision ` +
        `(applied already: then record its new checksum with ${commands.repair})`
      );
    }
    case 'destructive-operation':
      return `revision ${finding.operation.revision} ${finding.operation.severity === 'unknown' ? '(effect unknown) ' : ''}${finding.operation.description}`;
    case 'unlisted-operations':
      return `revision ${finding.revision}: its operations could not be listed without a database (${finding.reason}); review it for drops by hand`;
    case 'unsafe-operation':
      return `revision ${finding.operation.revision} ${describeUnsafeOperation(finding.operation)}`;
    case 'ledger-mismatch':
      return `the ledger disagrees with itself: ${describeDisagreement(finding.disagreement).join('; ')} (${repairCommand(finding.disagreement)})`;
  }
}

function summarize(ops: readonly Op[]): string {
  return ops.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`.trim()).join(', ');
}
