import { destructiveOperationsOf, previewUpgrade, recordPending, type DestructiveReport } from '../autogenerate/check-destructive.js';
import { findLiveUnsafeOperations, type UnsafeOperation } from '../autogenerate/check-safety.js';
import type { StreamLayout, StreamSettings } from '../config/stream-settings.js';
import { loadDialect } from '../dialects/registry.js';
import { StrataError } from '../errors.js';
import { renderOfflineScript } from '../offline/offline-runner.js';
import { printDestructive, printUpgradePreview } from '../report/destructive-report.js';
import type { Output } from '../report/output.js';
import { printRunEvent, printRunResult } from '../report/run-events.js';
import { printUnsafe } from '../report/safety-report.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { downgrade, upgrade, type RunOptions } from '../runner/runner.js';

/** What {@link migrateCommand} runs: a resolved stream, its graph, the direction and target. */
export interface MigrateCommandOptions {
  readonly stream: StreamSettings;
  readonly graph: RevisionGraph;
  readonly direction: 'up' | 'down';
  /** `head`, an id, `-1`, `base`... (see `upgrade`/`downgrade`). */
  readonly target: string;
  readonly allowChanged?: boolean;
  readonly strict?: boolean;
  /** Upgrade: stop before any revision runs when a pending operation locks a live table for long (default: warn). */
  readonly strictSafety?: boolean;
  /** Upgrade: how the person re-runs this with strict safety, in their shell's spelling (named in the warning). */
  readonly strictSafetyRerun: string;
  /** The other streams the run may consult (see `RunOptions.workspace`). */
  readonly workspace?: RunOptions['workspace'];
  /** Downgrade: revert the dependent streams first (see `RunOptions.cascade`). */
  readonly cascade?: boolean;
}

/**
 * `strata upgrade` / `strata downgrade` and the Nx `migrate` / `migrate-down` targets: runs the
 * stream, printing its progress. Before an upgrade's first revision runs (under the lock, from the
 * heads it really starts at) it warns of each pending operation that drops data and of each that
 * locks a live table for long (judged for the server, with row estimates); `strictSafety` stops there
 * instead. The result, with `destructive` and `unsafe` when there are any, is printed at the end
 * (`--json`: one document).
 *
 * @example
 * ```ts
 * import { loadRevisions, migrateCommand, Output, resolveStreamSettings, RevisionGraph } from '@strata/engine';
 * const stream = resolveStreamSettings({ cwd: 'apps/accounts' });
 * const graph = new RevisionGraph(loadRevisions(stream.revisionsDir));
 * await migrateCommand(new Output({ json: false }), { stream, graph, direction: 'up', target: 'head', strictSafetyRerun: 'strata upgrade --strict-safety' });
 * ```
 */
export async function migrateCommand(out: Output, options: MigrateCommandOptions): Promise<void> {
  const { stream, graph, target } = options;
  let destructive: DestructiveReport | undefined;
  let unsafe: readonly UnsafeOperation[] = [];
  const runOptions: RunOptions = {
    stream,
    graph,
    target,
    allowChanged: options.allowChanged === true,
    strict: options.strict === true,
    onEvent: (event) => printRunEvent(out, event),
    ...(options.workspace ? { workspace: options.workspace } : {}),
    ...(options.direction === 'down' && options.cascade === true ? { cascade: true } : {}),
    ...(options.direction === 'up'
      ? {
          beforeRun: async (plan) => {
            const pending = await recordPending({ dialect: stream.dialect, graph, stream: stream.name, from: plan.headsBefore, revisions: plan.revisions });
            destructive = destructiveOperationsOf(pending);
            printDestructive(out, stream.name, destructive);
            unsafe = await findLiveUnsafeOperations(await loadDialect(stream.dialect), stream.url, graph, pending);
            printUnsafe(out, stream.name, unsafe, { strict: options.strictSafety === true, rerun: options.strictSafetyRerun });
          },
        }
      : {}),
  };
  const result = options.direction === 'up' ? await upgrade(runOptions) : await downgrade(runOptions);
  printRunResult(out, { ...result, ...(destructive ? { destructive } : {}), ...(unsafe.length > 0 ? { unsafe } : {}) }, target);
}

/** What {@link upgradeDryRunCommand} previews. */
export interface UpgradeDryRunOptions {
  readonly stream: StreamSettings;
  readonly graph: RevisionGraph;
  readonly target: string;
  /** Fail (`AUTOGENERATE_CHECK_UNSAFE`) when a pending operation locks a live table for long, as the upgrade itself would. */
  readonly strictSafety?: boolean;
  /** How the person re-runs this with strict safety, in their shell's spelling (named in the warning). */
  readonly strictSafetyRerun: string;
}

/**
 * `--dry-run` of an upgrade: the revisions it would apply, each destructive operation with the rows
 * it would affect (counted in the database), and each operation that would lock a live table for
 * long (warnings; with `strictSafety`, the failure the upgrade would stop with); nothing changes.
 *
 * @example
 * ```ts
 * import { Output, upgradeDryRunCommand } from '@strata/engine';
 * // await upgradeDryRunCommand(new Output({ json: false }), { stream, graph, target: 'head', strictSafetyRerun: 'strata upgrade --dry-run --strict-safety' });
 * ```
 */
export async function upgradeDryRunCommand(out: Output, options: UpgradeDryRunOptions): Promise<void> {
  const { stream, graph, target } = options;
  const preview = await previewUpgrade({ stream, graph, target, estimateRows: true, judgeSafety: true });
  printUnsafe(out, stream.name, preview.unsafe ?? [], { strict: options.strictSafety === true, rerun: options.strictSafetyRerun });
  printUpgradePreview(out, preview, target);
}

/**
 * `--sql` with `--strict-safety`: the safety of an operation is judged against the live tables (their
 * rows, the server's version), and `--sql` opens no database.
 */
export class StrictSafetyOfflineError extends StrataError {
  static readonly CODE = 'OFFLINE_STRICT_SAFETY';
  constructor(stream: string, check: string) {
    super(StrictSafetyOfflineError.CODE, `Stream "${stream}": --strict-safety judges pending operations against the live tables, and --sql opens no database.`, {
      hint: `Run \`${check}\` to judge the revisions without a database, or drop --sql to judge them against it.`,
      details: { stream },
    });
  }
}

/** `--sql` without a dialect: the script cannot be written. */
export class OfflineDialectMissingError extends StrataError {
  static readonly CODE = 'OFFLINE_NEEDS_DIALECT';
  constructor(stream: string) {
    super(OfflineDialectMissingError.CODE, `--sql needs the dialect of stream "${stream}" to write its script.`, {
      hint: 'Pass --dialect postgresql|mysql|sqlite, or configure the stream (drizzle.config or strata.config).',
      details: { stream },
    });
  }
}

/**
 * `--sql`: the plan of an upgrade or downgrade as a script on stdout (or `--output-file`), its
 * warnings on stderr; no database is opened. The stream's URL, when configured, only says where the
 * statements go (a PostgreSQL `?schema=` adds its `CREATE SCHEMA` and `SET search_path`).
 *
 * @example
 * ```ts
 * import { offlineCommand, Output } from '@strata/engine';
 * // await offlineCommand(new Output({ json: false }), { stream: layout, graph, direction: 'down', range: 'head:base' });
 * ```
 */
export async function offlineCommand(
  out: Output,
  options: {
    readonly stream: StreamLayout;
    readonly graph: RevisionGraph;
    readonly direction: 'up' | 'down';
    readonly range: string;
    /** Set when strict safety was asked for too: the command that judges the revisions without a database, named in the refusal. */
    readonly strictSafetyCheck?: string;
  },
): Promise<void> {
  const { stream } = options;
  if (options.strictSafetyCheck !== undefined) throw new StrictSafetyOfflineError(stream.name, options.strictSafetyCheck);
  if (stream.dialect === undefined) throw new OfflineDialectMissingError(stream.name);
  const result = await renderOfflineScript({
    stream: { name: stream.name, dialect: stream.dialect, projectDir: stream.projectDir, ...(stream.url === undefined ? {} : { url: stream.url }) },
    graph: options.graph,
    direction: options.direction,
    range: options.range,
  });
  for (const warning of result.warnings) out.warn(warning);
  out.result(result, () => out.raw(result.script));
}
