import type { ExecutorContext } from '@nx/devkit';
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
    namesTenants(options, {
      sql: { set: options.sql, why: 'renders a script without a database' },
      dryRun: { set: options.dryRun, why: 'previews one database' },
      strictSafety: { set: options.strictSafety, why: 'judges one database' },
    })
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

/** Upgrade or downgrade, shared with `migrate-down`: the engine's command, with this workspace's streams. */
export async function migrate(
  run: StrataRun,
  direction: 'up' | 'down',
  target: string,
  options: { sql?: boolean; strict?: boolean; allowChanged?: boolean; cascade?: boolean; dryRun?: boolean; strictSafety?: boolean },
): Promise<void> {
  const { out } = run;
  const { migrateCommand, offlineCommand, upgradeDryRunCommand } = await import('@strata/engine/commands/migrate');
  const project = run.context.projectName ?? '<project>';
  const targetName = run.context.targetName ?? 'migrate';
  if (options.sql) {
    const layout = run.layout();
    const strictSafetyCheck = `nx run ${project}:migrate-check --strictSafety`;
    return offlineCommand(out, { stream: layout, graph: run.graph(layout), direction, range: target, ...(options.strictSafety ? { strictSafetyCheck } : {}) });
  }
  const stream = run.settings();
  const graph = run.graph(stream);
  if (direction === 'up' && options.dryRun) {
    const strictSafetyRerun = `nx run ${project}:${targetName} --dryRun --strictSafety`;
    return upgradeDryRunCommand(out, { stream, graph, target, strictSafety: options.strictSafety === true, strictSafetyRerun });
  }
  await migrateCommand(out, {
    stream,
    graph,
    direction,
    target,
    allowChanged: options.allowChanged === true,
    strict: options.strict === true,
    strictSafety: options.strictSafety === true,
    strictSafetyRerun: `nx run ${project}:${targetName} --strictSafety`,
    workspace: run.workspace(direction === 'up' ? 'dependencies' : 'both', stream, graph),
    ...(direction === 'down' && options.cascade ? { cascade: true } : {}),
  });
}
