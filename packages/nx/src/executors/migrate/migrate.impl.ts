import type { ExecutorContext } from '@nx/devkit';
import type { DowngradeResult, RunOptions } from '@strata/engine';
import { runStrata, type StrataRun } from '../../utils/run-executor';
import { toTarget } from '../../utils/stream-options';
import { fanOutTenants, namesTenants } from '../../utils/tenants';
import type { MigrateExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate`: upgrades the stream to `to` (default `head`), with the streams it depends
 * on passed to the engine so that it checks their version tables. `--sql` prints the script instead.
 * With `tenantsFile` or `tenantsSql`, upgrades every tenant database through the engine's fan-out.
 */
export default async function migrateExecutor(options: MigrateExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, (run) =>
    namesTenants(options, { sql: { set: options.sql, why: 'renders a script without a database' } })
      ? fanOutTenants(run, { command: 'upgrade', target: chainTarget(run, options), allowChanged: options.allowChanged === true, strict: options.strict === true }, options)
      : migrate(run, 'up', chainTarget(run, options), options),
  );
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
