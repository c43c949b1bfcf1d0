import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { runStrata } from '../../utils/run-executor';
import { toTarget } from '../../utils/stream-options';
import { migrate } from '../migrate/migrate.impl';
import type { MigrateDownExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-down --to=-1`: reverts revisions down to `to` (required). The streams that
 * depend on this one are passed to the engine, which refuses a downgrade that would strand them unless
 * `--cascade` reverts them first.
 */
export default async function migrateDownExecutor(options: MigrateDownExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const target = toTarget(options.to, 'down');
    if (target === undefined) throw new UsageError('migrate-down needs --to: -1, a revision id, or base.', `Example: nx run ${context.projectName ?? '<project>'}:${context.targetName ?? 'migrate-down'} --to=-1`);
    await migrate(run, 'down', target, options);
  });
}
