import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import type { MigrateHistoryExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-history`: the stream's revisions, newest first (Alembic's history), or with
 * `--applied` the ledger rows (`strata_history`), newest first too (the engine's `reportAppliedHistory`).
 */
export default async function migrateHistoryExecutor(options: MigrateHistoryExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, settings, layout, graph }) => {
    if (options.applied) {
      const stream = settings();
      engine.reportAppliedHistory(out, stream.name, await engine.appliedHistory(stream), options.verbose === true);
      return;
    }
    const needsDb = options.indicateCurrent === true || (options.rev?.includes('current') ?? false);
    const stream = needsDb ? settings() : layout();
    const revisions = graph(stream);
    const current = needsDb ? (await engine.current(settings())).heads : [];
    const ids = engine.revisionsInRange(revisions, options.rev === '' ? undefined : options.rev, current);
    const marked = new Set(current);
    out.result({ stream: stream.name, revisions: ids.map((id) => engine.revisionJson(revisions, revisions.get(id))), current }, () => {
      if (ids.length === 0) out.line(`Stream "${stream.name}": no revisions${options.rev ? ` in ${options.rev}` : ''}.`);
      for (const id of ids) out.line(options.verbose ? engine.revisionBlock(revisions, revisions.get(id), marked) : engine.revisionLine(revisions, revisions.get(id), marked));
    });
  });
}
