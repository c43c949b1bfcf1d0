import type { ExecutorContext } from '@nx/devkit';
import type { Output, StreamLayout, StreamSettings } from '@strata/engine';
import { loadEngineTesting, type EngineTesting, type MigrationTestStepResult } from '../../utils/engine';
import { UsageError } from '../../utils/errors';
import { runStrata, type StrataRun } from '../../utils/run-executor';
import { fromWorkspace, toSettingsOptions } from '../../utils/stream-options';
import { migrateOptionsOf, streamProjectsAround, type WorkspaceStream } from '../../utils/workspace';
import type { MigrateTestExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-test` (cacheable; `nx affected -t migrate-test`): runs `testMigrations` on a
 * throwaway database (a temp SQLite file, or a database created on the stream's PostgreSQL/MySQL server
 * and dropped afterwards): every revision up, down and up again (stairway), each upgrade run twice
 * (idempotency), the head compared with the Drizzle schema (drift), down to base. The streams it depends
 * on are migrated into the same throwaway database first (a dependency on another dialect gets its own).
 */
export default async function migrateTestExecutor(options: MigrateTestExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const testing = await loadEngineTesting();
    const layout = run.layout();
    if (layout.dialect === undefined) {
      throw new UsageError(`migrate-test needs the dialect of stream "${layout.name}".`, 'Configure the stream (drizzle.config or strata.config) or pass --dialect.');
    }
    const dependencies = dependencyLayouts(run);
    const graph = run.graph(layout);
    const databases = new Map<string, string>();
    // One throwaway database per dialect in play, nested so that every one is dropped whatever fails.
    const dialects = [...new Set([layout.dialect, ...dependencies.map((d) => d.layout.dialect)])];
    const withDatabases = async (index: number): Promise<void> => {
      const dialect = dialects[index];
      if (dialect === undefined) return test(run, testing, layout as StreamLayout & { dialect: StreamSettings['dialect'] }, graph, dependencies, databases);
      const server = serverFor(testing, dialect, layout, dependencies, options);
      await testing.withThrowawayDatabase(server, async (database) => {
        databases.set(dialect, database.url);
        await withDatabases(index + 1);
      });
    };
    await withDatabases(0);
  });
}

interface DependencyLayout {
  readonly project: string;
  readonly layout: StreamLayout & { dialect: StreamSettings['dialect'] };
  /** Its configured URL, to find a server for a dialect only dependencies use. */
  readonly url: string | undefined;
  readonly graph: WorkspaceStream['graph'];
}

/** The streams this one depends on (through the project graph), with their own target options. */
function dependencyLayouts(run: StrataRun): DependencyLayout[] {
  const { context, engine, out } = run;
  if (!context.projectName || !context.projectGraph) return [];
  const result: DependencyLayout[] = [];
  for (const project of streamProjectsAround(context.projectGraph, context.projectName, 'dependencies')) {
    const node = context.projectGraph.nodes[project];
    if (node === undefined) continue;
    const options = migrateOptionsOf(node, context.root);
    try {
      const layout = engine.resolveStreamSettings({ ...toSettingsOptions(options, fromWorkspace(context.root, options.cwd ?? node.data.root)), requireUrl: false });
      if (layout.dialect === undefined) throw new Error('its dialect is not configured');
      result.push({ project, layout: layout as DependencyLayout['layout'], url: layout.url, graph: new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)) });
    } catch (error) {
      out.warn(`stream project "${project}" left out of the test: ${(error as Error).message}`);
    }
  }
  return result;
}

/**
 * Where to create the throwaway database of `dialect`: `"sqlite"`, `--serverUrl`, an in-memory PGlite for
 * PostgreSQL (no server needed), or for MySQL a configured URL of that dialect.
 */
function serverFor(testing: EngineTesting, dialect: StreamSettings['dialect'], layout: StreamLayout, dependencies: readonly DependencyLayout[], options: MigrateTestExecutorSchema): string {
  if (dialect === 'sqlite') return 'sqlite';
  if (options.serverUrl && dialect === layout.dialect) return options.serverUrl;
  const embedded = testing.embeddedThrowawayServer(dialect);
  if (embedded !== undefined) return embedded;
  const url = dialect === layout.dialect ? layout.url : dependencies.find((d) => d.layout.dialect === dialect && d.url)?.url;
  if (url === undefined) {
    throw new UsageError(
      `migrate-test needs a ${dialect} server to create its throwaway database on, and stream "${layout.name}" has no URL configured.`,
      'Pass --serverUrl=postgres://user@host:5432/postgres (or mysql://…), or set the URL in drizzle.config / STRATA_DATABASE_URL.',
    );
  }
  return url;
}

async function test(
  run: StrataRun,
  testing: EngineTesting,
  layout: StreamLayout & { dialect: StreamSettings['dialect'] },
  graph: WorkspaceStream['graph'],
  dependencies: readonly DependencyLayout[],
  databases: ReadonlyMap<string, string>,
): Promise<void> {
  const { out, engine } = run;
  const url = databases.get(layout.dialect) as string;
  const stream = { name: layout.name, dialect: layout.dialect, url, lockTimeoutMs: layout.lockTimeoutMs };
  const workspace = new Map<string, WorkspaceStream>();
  for (const d of dependencies) {
    workspace.set(d.layout.name, { stream: { name: d.layout.name, dialect: d.layout.dialect, url: databases.get(d.layout.dialect) as string }, graph: d.graph });
  }
  out.line(
    `Stream "${layout.name}": testing ${graph.revisions.length} revision(s) on a throwaway ${layout.dialect} database (${engine.redactUrl(url)})` +
      (dependencies.length > 0 ? `, after ${dependencies.map((d) => d.layout.name).join(', ')}.` : '.'),
  );
  const started = performance.now();
  const result = await testing.testMigrations({
    stream,
    graph,
    workspace,
    ...(layout.drizzle ? { drift: { schemaFiles: layout.drizzle.schemaFiles, ...(layout.drizzle.casing ? { casing: layout.drizzle.casing } : {}) } } : {}),
    onStep: (step) => printStep(out, step, engine.formatDuration),
  });
  out.result(result, () =>
    out.line(
      `Stream "${result.stream}": ${result.revisions.length} revision(s) passed (stairway, idempotency${layout.drizzle ? ', drift' : ''}, base) in ${engine.formatDuration(performance.now() - started)}.` +
        (layout.drizzle ? '' : ' No Drizzle schema configured: drift not checked.'),
    ),
  );
}

function printStep(out: Output, step: MigrationTestStepResult, formatDuration: (ms: number) => string): void {
  out.line(`  ✓ ${step.step.padEnd(9)} ${step.revision ?? ''}`.trimEnd() + `  (${formatDuration(step.durationMs)})`);
}
