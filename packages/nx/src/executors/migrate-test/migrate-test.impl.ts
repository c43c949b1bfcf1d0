import type { ExecutorContext } from '@nx/devkit';
import type { TestDependency } from '@strata/engine';
import { runStrata, type StrataRun } from '../../utils/run-executor';
import { fromWorkspace, toSettingsOptions } from '../../utils/stream-options';
import { migrateOptionsOf, streamProjectsAround } from '../../utils/workspace';
import type { MigrateTestExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-test` (cacheable; `nx affected -t migrate-test`): the engine's `testCommand`
 * (as `strata test`) on a throwaway database (a temp SQLite file, an in-memory PGlite, or for MySQL a
 * database created on the server of the stream's URL, or `serverUrl`, and dropped afterwards): every revision up, down and up again (stairway), each upgrade run twice
 * (idempotency), the head compared with the Drizzle schema (drift), down to base. The streams it depends
 * on are migrated into the same throwaway database first (a dependency on another dialect gets its own).
 */
export default async function migrateTestExecutor(options: MigrateTestExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const layout = run.layout();
    const { testCommand } = await import('@strata/engine/commands/test');
    await testCommand(run.out, {
      stream: layout,
      graph: run.graph(layout),
      dependencies: dependencyLayouts(run),
      onConfiguredServer: true,
      ...(options.serverUrl ? { server: options.serverUrl } : {}),
    });
  });
}

/** The streams this one depends on (through the project graph), with their own target options. */
function dependencyLayouts(run: StrataRun): TestDependency[] {
  const { context, engine, out } = run;
  if (!context.projectName || !context.projectGraph) return [];
  const result: TestDependency[] = [];
  for (const project of streamProjectsAround(context.projectGraph, context.projectName, 'dependencies')) {
    const node = context.projectGraph.nodes[project];
    if (node === undefined) continue;
    const options = migrateOptionsOf(node, context.root);
    try {
      const layout = engine.resolveStreamSettings({ ...toSettingsOptions(options, fromWorkspace(context.root, options.cwd ?? node.data.root)), requireUrl: false });
      if (layout.dialect === undefined) throw new Error('its dialect is not configured');
      result.push({ layout: layout as TestDependency['layout'], graph: new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)) });
    } catch (error) {
      out.warn(`stream project "${project}" left out of the test: ${(error as Error).message}`);
    }
  }
  return result;
}
