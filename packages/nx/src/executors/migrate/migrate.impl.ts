import type { ExecutorContext } from '@nx/devkit';
import type { DowngradeResult, RunOptions } from '@strata/engine';
import { runStrata, type StrataRun } from '../../utils/run-executor';
import { UsageError } from '../../utils/errors';
import { fromWorkspace, toTarget } from '../../utils/stream-options';
import type { MigrateExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate`: upgrades the stream to `to` (default `head`), with the streams it depends
 * on passed to the engine so that it checks their version tables. `--sql` prints the script instead.
 * With `tenantsFile` or `tenantsSql`, upgrades every tenant database through the engine's fan-out.
 */
export default async function migrateExecutor(options: MigrateExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, (run) =>
    options.tenantsFile || options.tenantsSql ? fanOutTenants(run, chainTarget(run, options), options) : migrate(run, 'up', chainTarget(run, options), options),
  );
}

/**
 * The upgrade on every tenant (`strata upgrade --targets`): a line per tenant as it finishes, the table
 * (or the JSON document) at the end; false when a tenant failed. Each tenant's cross-stream
 * dependencies are checked in its own database, where its other streams are.
 */
async function fanOutTenants(run: StrataRun, target: string, options: MigrateExecutorSchema): Promise<boolean> {
  const { engine, out } = run;
  if (options.tenantsFile && options.tenantsSql) throw new UsageError('Pass either tenantsFile or tenantsSql, not both.');
  if (options.sql) throw new UsageError('sql renders a script without a database; it does not combine with tenantsFile or tenantsSql.');
  // The query runs on the stream's own database, which a tenants file does not need.
  const stream = options.tenantsFile ? run.layout() : run.settings();
  const action = { command: 'upgrade', target, allowChanged: options.allowChanged === true, strict: options.strict === true } as const;
  const result = await engine.fanOut({
    stream,
    graph: run.graph(stream),
    action,
    tenants: options.tenantsFile ? { file: fromWorkspace(run.context.root, options.tenantsFile) } : { sql: options.tenantsSql as string },
    ...(options.shard ? { shard: engine.parseShard(String(options.shard)) } : {}),
    ...(options.concurrency === undefined ? {} : { concurrency: Number(options.concurrency) }),
    onTenant: (tenant, progress) => engine.printTenantProgress(out, engine.fanoutHeading(action), tenant, progress),
  });
  engine.printFanoutResult(out, result);
  return result.summary.failed === 0;
}

/**
 * The target of this stream. `--to` names a revision of the stream asked for (`nx run orders:migrate
 * --to=…`); Nx forwards it to the streams that run first, where it means nothing (or something else:
 * `+1`). Those go to head, which holds every revision the asked-for stream can depend on.
 */
function chainTarget(run: StrataRun, options: MigrateExecutorSchema): string {
  const target = toTarget(options.to, 'up') ?? 'head';
  if (run.chain.dependents.length === 0 || run.chain.params['to'] === undefined || target === 'head' || target === 'heads') return target;
  run.out.warn(`--to=${target} is the target of ${run.chain.dependents.join(', ')}; ${run.context.projectName ?? 'this stream'}, which runs first, goes to head.`);
  return 'head';
}

/** Upgrade or downgrade, shared with `migrate-down`. */
export async function migrate(
  run: StrataRun,
  direction: 'up' | 'down',
  target: string,
  options: { sql?: boolean; strict?: boolean; allowChanged?: boolean; cascade?: boolean },
): Promise<void> {
  const { engine, out } = run;
  if (options.sql) {
    const layout = run.layout();
    if (layout.dialect === undefined) {
      throw new engine.StrataError('NX_SQL_NEEDS_DIALECT', `--sql needs the dialect of stream "${layout.name}".`, {
        hint: 'Pass --dialect=postgresql|mysql|sqlite, or configure the stream (drizzle.config or strata.config).',
      });
    }
    const result = await engine.renderOfflineScript({ stream: { name: layout.name, dialect: layout.dialect, projectDir: layout.projectDir, ...(layout.url === undefined ? {} : { url: layout.url }) }, graph: run.graph(layout), direction, range: target });
    for (const warning of result.warnings) out.warn(warning);
    out.result(result, () => out.raw(result.script));
    return;
  }
  const settings = run.settings();
  const graph = run.graph(settings);
  const runOptions: RunOptions = {
    stream: settings,
    graph,
    target,
    allowChanged: options.allowChanged === true,
    strict: options.strict === true,
    onEvent: (event) => engine.printRunEvent(out, event),
    workspace: run.workspace(direction === 'up' ? 'dependencies' : 'both', settings, graph),
    ...(direction === 'down' && options.cascade ? { cascade: true } : {}),
  };
  const result: DowngradeResult = direction === 'up' ? await engine.upgrade(runOptions) : await engine.downgrade(runOptions);
  engine.printRunResult(out, result, target);
}
