import type { ExecutorContext } from '@nx/devkit';
import { UsageError } from '../../utils/errors';
import { loadEngine } from '../../utils/engine';
import { runStrata } from '../../utils/run-executor';
import { CHECK_DB_TARGET } from '../../utils/target-names';
import { PACKAGE_NAME } from '../../utils/versions';
import { fromWorkspace } from '../../utils/stream-options';
import { isStreamProject, tableOwnersOf } from '../../utils/workspace';
import type { MigrateCheckExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-check`: fails when the Drizzle schema differs from what the revisions build,
 * a revision holds an unguarded operation, or the stream has several heads; with `--db`, also when
 * the live database differs from the Drizzle schema; also when a revision adds a foreign key to a table
 * another stream project of the workspace owns without depending on that stream. Operations that lock a
 * live table for long are warnings, failures with `strictSafety`. The inferred `migrate-check` is cached,
 * so `--db` is refused there: the inferred `migrate-check-db` passes it, uncached.
 */
export default async function migrateCheckExecutor(options: MigrateCheckExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ out, settings, layout, graph }) => {
    if (options.db && context.target?.cache === true) {
      // Nx would replay this result from its cache while the database moves on.
      const project = context.projectName ?? '<project>';
      const targets = context.projectsConfigurations.projects[project]?.targets ?? {};
      const uncached = Object.entries(targets).find(([, target]) => target.executor === `${PACKAGE_NAME}:migrate-check` && target.options?.db === true && target.cache !== true);
      throw new UsageError(
        `nx run ${project}:${context.targetName ?? 'migrate-check'} is cached, so it cannot read the live database (--db).`,
        `Run nx run ${project}:${uncached?.[0] ?? CHECK_DB_TARGET}, the uncached target that passes --db.`,
      );
    }
    const stream = options.db ? settings() : layout();
    const others = Object.entries(context.projectGraph.nodes)
      .filter(([name, node]) => name !== context.projectName && isStreamProject(node))
      .map(([name, node]) => ({ project: name, cwd: fromWorkspace(context.root, node.data.root) }));
    // The check loads autogenerate anyway: the whole engine costs it little.
    const engine = await loadEngine();
    const owners = await tableOwnersOf(engine, others, stream.name, (message) => out.warn(message));
    const project = context.projectName ?? '<project>';
    await engine.checkCommand(out, {
      stream,
      graph: graph(stream),
      owners,
      db: options.db === true,
      commands: { merge: `nx g @strata/nx:merge ${project}`, generate: `nx g @strata/nx:migration ${project}`, repair: `nx run ${project}:migrate-repair` },
      rerun: `nx run ${project}:${context.targetName ?? 'migrate-check'}${options.strictSafety ? ' --strictSafety' : ''}`,
      strictSafety: options.strictSafety === true,
    });
  });
}
