import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { runStrata } from '../../utils/run-executor';
import { toList, toTarget } from '../../utils/stream-options';
import type { MigrateStampExecutorSchema } from './schema';

/** `nx run <project>:migrate-stamp --to=head`: sets the version rows without running revisions. */
export default async function migrateStampExecutor(options: MigrateStampExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, settings, graph }) => {
    const targets = toList(toTarget(options.to, 'any'));
    if (targets.length === 0) throw new UsageError('migrate-stamp needs --to: head, a revision id, or base.', 'Example: --to=head (several: --to=a1b2,c3d4).');
    const stream = settings();
    const result = await engine.stamp({ stream, graph: graph(stream), targets, purge: options.purge === true });
    out.result(result, () => {
      for (const id of result.unmarked) out.line(`  unstamped ${id}`);
      for (const id of result.marked) out.line(`  stamped   ${id}`);
      out.line(`Stream "${result.stream}" stamped: ${result.headsBefore.join(', ') || '<base>'} -> ${result.headsAfter.join(', ') || '<base>'}.`);
    });
  });
}
