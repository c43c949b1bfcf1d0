import { assertNever, isStrataErrorLike } from '../errors.js';
import type { DialectName } from '../dialects/dialect.js';
import type { DdlSettings, TransactionMode } from '../config/stream-settings.js';
import type { GuardDifference } from '../inspect/inspector.js';
import { redactUrl, scrubPassword } from '../dialects/url.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { RunResult, StepResult } from '../runner/events.js';
import { current, downgrade, stamp, upgrade, type RunPlan, type StreamTarget } from '../runner/runner.js';
import { findDestructiveOperations, type DestructiveReport } from '../autogenerate/check-destructive.js';
import { census, type CensusEntry } from './census.js';
import { DEFAULT_FANOUT_CONCURRENCY } from './default-concurrency.js';
import { InvalidConcurrencyError, NoTargetsError } from './errors.js';
import { inShard, type Shard } from './shard.js';
import { parseTargets, queryTargets, readTargetsFile, resolveTenant, type TenantTarget } from './targets.js';

export { DEFAULT_FANOUT_CONCURRENCY };

/** What a fan-out does on each tenant: one of the verbs that work on a database. */
export type FanoutAction =
  | { readonly command: 'upgrade' | 'downgrade'; readonly target: string; readonly allowChanged?: boolean; readonly strict?: boolean }
  | { readonly command: 'stamp'; readonly targets: readonly string[]; readonly purge?: boolean }
  | { readonly command: 'current' };

/**
 * Where the tenants come from: a targets file (one URL per line, see `parseTargets`), a query run on
 * the stream's own database (first column of each row), or a list.
 */
export type TenantSource = { readonly file: string } | { readonly sql: string } | { readonly urls: readonly string[] };

/** The stream a fan-out runs: its name and folder, and the defaults its tenants take. */
export interface FanoutStream {
  readonly name: string;
  /** The dialect of a tenant whose URL's scheme names none (a bare SQLite path does). */
  readonly dialect?: DialectName;
  /** The stream's own database: where a {@link TenantSource} `sql` query runs. */
  readonly url?: string;
  /** The project folder: the ledger records revision files relative to it; relative SQLite paths of a query or list resolve from it. */
  readonly projectDir: string;
  /** Each tenant's lock wait, in milliseconds (default 60,000). */
  readonly lockTimeoutMs?: number;
  /** DDL lock and statement timeouts and lock retries, the same on every tenant (see `StreamTarget.ddl`). */
  readonly ddl?: DdlSettings;
  /** One transaction per revision or per run, the same on every tenant (see `StreamTarget.transaction`). */
  readonly transaction?: TransactionMode;
}

/** Options of {@link fanOut}. */
export interface FanoutOptions {
  readonly stream: FanoutStream;
  readonly graph: RevisionGraph;
  readonly action: FanoutAction;
  readonly tenants: TenantSource;
  /** Run only this shard of the tenants (see `shardOf`). */
  readonly shard?: Shard;
  /** How many tenants run at once (default {@link DEFAULT_FANOUT_CONCURRENCY}); each holds its own database's lock. */
  readonly concurrency?: number;
  /** Called as each tenant finishes, in the order they finish. */
  readonly onTenant?: (tenant: TenantReport, progress: { readonly done: number; readonly total: number }) => void;
}

/** `ok`: something changed (or, for `current`, was read); `unchanged`: already at the target; `failed`: see `error`. */
export type TenantStatus = 'ok' | 'unchanged' | 'failed';

/** What happened on one tenant. */
export interface TenantReport {
  /** The URL as listed, password masked. */
  readonly url: string;
  readonly status: TenantStatus;
  /** The stream's heads before the run; null when the tenant could not be read (it failed before). */
  readonly headsBefore: readonly string[] | null;
  /** The heads after it (where a failed run stopped); null when unknown. */
  readonly headsAfter: readonly string[] | null;
  /** The revisions applied, reverted or (un)stamped, in order. */
  readonly revisions: readonly string[];
  /** Guards that found their object defined differently (warnings; `strict` makes them failures). */
  readonly differences: readonly { readonly revision: string; readonly difference: GuardDifference }[];
  /**
   * Upgrade only: the operations of the revisions run on this tenant that drop data (tables, columns,
   * narrowed types) or whose effect no model can see (raw SQL), and the revisions that could not be
   * analysed, as a single-database upgrade warns of them; listed from the tenant's plan before its
   * first revision ran. Empty for the other verbs and for a tenant that stopped before its plan.
   */
  readonly destructive: DestructiveReport;
  /** Wall time on this tenant, whole milliseconds. */
  readonly durationMs: number;
  /** Why it failed, passwords masked. */
  readonly error?: { readonly code: string; readonly message: string; readonly hint?: string };
}

/**
 * What {@link fanOut} did. Every shard's result has this shape, so the reports of a CI matrix can be
 * concatenated (their `tenants` together list every tenant once).
 */
export interface FanoutResult {
  readonly stream: string;
  readonly command: FanoutAction['command'];
  /** The target as given (`head`, `-1`; stamp's targets joined by spaces); null for `current`. */
  readonly target: string | null;
  readonly shard: Shard | null;
  /** One report per tenant of the shard, in the order the tenants are listed. */
  readonly tenants: readonly TenantReport[];
  readonly summary: { readonly total: number; readonly ok: number; readonly unchanged: number; readonly failed: number };
  /**
   * Where the tenants stand afterwards, most common first; on a tie the group at head comes first, then
   * the others by revision id (failed tenants whose heads are unknown left out).
   */
  readonly census: readonly CensusEntry[];
}

/**
 * Runs one verb (`upgrade`, `downgrade`, `stamp`, `current`) of one stream on many databases (a
 * database per tenant): at most `concurrency` at once, each through the ordinary runner with its own
 * lock, so two fan-outs over the same tenants never apply a revision twice. A tenant that fails is
 * reported and the others go on; it never throws for a tenant. Run it again after fixing a tenant:
 * the others report `unchanged`. Throws only when the tenant list cannot be made
 * (`FANOUT_TARGETS_FILE_NOT_FOUND`, `FANOUT_INVALID_TARGET`, `FANOUT_NO_TARGETS`,
 * `FANOUT_TARGETS_QUERY_FAILED`, `FANOUT_INVALID_CONCURRENCY`).
 *
 * Cross-stream `dependsOn` entries are checked in each tenant's own database (the streams of a
 * tenant share it).
 *
 * @example
 * ```ts
 * import { fanOut, loadRevisions, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('migrations'));
 * const result = await fanOut({
 *   stream: { name: 'app', projectDir: '.' },
 *   graph,
 *   action: { command: 'upgrade', target: 'head' },
 *   tenants: { file: 'tenants.txt' },
 *   concurrency: 8,
 * });
 * if (result.summary.failed > 0) process.exitCode = 1;
 * ```
 */
export async function fanOut(options: FanoutOptions): Promise<FanoutResult> {
  const concurrency = options.concurrency ?? DEFAULT_FANOUT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new InvalidConcurrencyError(concurrency);
  const tenants = inShard(await resolveTenants(options.tenants, options.stream), options.shard, (tenant) => tenant.url);
  const reports: TenantReport[] = [];
  const destructive = destructiveByPlan(options);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < tenants.length; index = next++) {
      const report = await runTenant(tenants[index] as TenantTarget, options, destructive);
      reports[index] = report;
      done += 1;
      options.onTenant?.(report, { done, total: tenants.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tenants.length) }, worker));
  const count = (status: TenantStatus) => reports.filter((report) => report.status === status).length;
  return {
    stream: options.stream.name,
    ...fanoutHeading(options.action),
    shard: options.shard ?? null,
    tenants: reports,
    summary: { total: reports.length, ok: count('ok'), unchanged: count('unchanged'), failed: count('failed') },
    census: census(options.graph.heads(), reports.map((report) => report.headsAfter)),
  };
}

/**
 * The verb and target of `action` as a {@link FanoutResult} names them, for lines printed before the result exists.
 *
 * @example
 * ```ts
 * import { fanoutHeading } from '@strata/engine';
 * fanoutHeading({ command: 'stamp', targets: ['a1', 'b2'] }); // { command: 'stamp', target: 'a1 b2' }
 * ```
 */
export function fanoutHeading(action: FanoutAction): Pick<FanoutResult, 'command' | 'target'> {
  return { command: action.command, target: action.command === 'current' ? null : action.command === 'stamp' ? action.targets.join(' ') : action.target };
}

/**
 * The tenants a {@link TenantSource} names, each with its dialect and the URL to connect to, before
 * sharding. Throws as {@link fanOut} does when the list cannot be made.
 *
 * @example
 * ```ts
 * import { resolveTenants } from '@strata/engine';
 * const tenants = await resolveTenants({ urls: ['file:t1.db', 'file:t2.db'] }, { name: 'app', projectDir: '.' });
 * ```
 */
export async function resolveTenants(source: TenantSource, stream: FanoutStream): Promise<TenantTarget[]> {
  const dialect = stream.dialect === undefined ? {} : { dialect: stream.dialect };
  if ('file' in source) return readTargetsFile(source.file, dialect);
  if ('sql' in source) return queryTargets(source.sql, { ...dialect, ...(stream.url === undefined ? {} : { url: stream.url }), projectDir: stream.projectDir });
  const label = 'The tenant list';
  const tenants = parseTargets(source.urls.join('\n'), label).map((target) => resolveTenant(target, { source: label, baseDir: stream.projectDir, ...dialect }));
  if (tenants.length === 0) throw new NoTargetsError(label);
  return tenants;
}

type DestructiveLister = (plan: RunPlan, dialect: DialectName) => Promise<DestructiveReport>;

const NOTHING_DESTRUCTIVE: DestructiveReport = { operations: [], unanalyzed: [] };

/**
 * The destructive operations of a plan, listed once per distinct plan (most tenants share one: from
 * the same heads, the same revisions) however many tenants run it.
 */
function destructiveByPlan(options: FanoutOptions): DestructiveLister {
  const plans = new Map<string, Promise<DestructiveReport>>();
  return (plan, dialect) => {
    const key = `${dialect}:${[...plan.headsBefore].sort().join()}>${plan.revisions.join()}`;
    let found = plans.get(key);
    if (found === undefined) {
      const { stream, graph } = options;
      found = findDestructiveOperations({ dialect, graph, stream: stream.name, from: plan.headsBefore, revisions: plan.revisions });
      plans.set(key, found);
    }
    return found;
  };
}

async function runTenant(
  tenant: TenantTarget,
  options: FanoutOptions,
  destructiveOf: DestructiveLister,
): Promise<TenantReport> {
  const { action, graph } = options;
  const started = performance.now();
  let destructive = NOTHING_DESTRUCTIVE;
  const stream: StreamTarget = {
    name: options.stream.name,
    dialect: tenant.dialect,
    url: tenant.connectUrl,
    projectDir: options.stream.projectDir,
    ...(options.stream.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.stream.lockTimeoutMs }),
    ...(options.stream.ddl === undefined ? {} : { ddl: options.stream.ddl }),
    ...(options.stream.transaction === undefined ? {} : { transaction: options.stream.transaction }),
  };
  const report = (
    status: TenantStatus,
    headsBefore: readonly string[] | null,
    headsAfter: readonly string[] | null,
    revisions: readonly string[],
    steps: readonly StepResult[] = [],
  ): TenantReport => ({
    url: redactUrl(tenant.url),
    status,
    headsBefore: headsBefore && [...headsBefore].sort(),
    headsAfter: headsAfter && [...headsAfter].sort(),
    revisions,
    differences: steps.flatMap((step) => step.differences.map((difference) => ({ revision: step.revision, difference }))),
    destructive,
    durationMs: Math.round(performance.now() - started),
  });
  try {
    switch (action.command) {
      case 'upgrade':
      case 'downgrade': {
        const runOptions = { stream, graph, target: action.target, allowChanged: action.allowChanged === true, strict: action.strict === true };
        const beforeRun = async (plan: RunPlan) => {
          destructive = await destructiveOf(plan, tenant.dialect);
        };
        const result = action.command === 'upgrade' ? await upgrade({ ...runOptions, beforeRun }) : await downgrade(runOptions);
        return report(result.steps.length > 0 ? 'ok' : 'unchanged', result.headsBefore, result.headsAfter, result.steps.map((step) => step.revision), result.steps);
      }
      case 'stamp': {
        const result = await stamp({ stream, graph, targets: action.targets, purge: action.purge === true });
        const revisions = [...result.unmarked, ...result.marked];
        const moved = [...result.headsBefore].sort().join() !== [...result.headsAfter].sort().join();
        return report(revisions.length > 0 || moved ? 'ok' : 'unchanged', result.headsBefore, result.headsAfter, revisions);
      }
      case 'current': {
        const { heads } = await current(stream);
        return report('ok', heads, heads, []);
      }
      default:
        return assertNever(action);
    }
  } catch (error) {
    // A revision that failed half-way carries what the run did before it.
    const partial = (error as { result?: RunResult }).result;
    return {
      ...report(
        'failed',
        partial?.headsBefore ?? null,
        partial?.headsAfter ?? null,
        partial?.steps.filter((step) => step.status === 'applied').map((step) => step.revision) ?? [],
        partial?.steps,
      ),
      error: errorOf(error, tenant),
    };
  }
}

/** The error as a report carries it: code, message and hint, with the tenant's password masked wherever it appears. */
function errorOf(error: unknown, tenant: TenantTarget): NonNullable<TenantReport['error']> {
  const scrub = (text: string) => scrubPassword(scrubPassword(text, tenant.connectUrl), tenant.url);
  if (isStrataErrorLike(error)) return { code: error.code, message: scrub(error.message), ...(error.hint ? { hint: scrub(error.hint) } : {}) };
  return { code: 'INTERNAL_ERROR', message: scrub(error instanceof Error ? error.message : String(error)) };
}
