import type { StreamLayout } from '../config/stream-settings.js';
import type { DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { redactUrl } from '../dialects/url.js';
import { formatDuration } from '../report/format-revision.js';
import type { Output } from '../report/output.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { WorkspaceStream } from '../runner/dependencies.js';
import type { StreamTarget } from '../runner/runner.js';
import { TestingNeedsDialectError, TestingNeedsServerError, TestingServerDialectError, type MigrationTestResult } from '../testing/errors.js';
import { testMigrations } from '../testing/test-migrations.js';
import { throwawayServerDialect, withThrowawayDatabase } from '../testing/throwaway-database.js';

/** A stream the tested one depends on: migrated into the throwaway database of its dialect first. */
export interface TestDependency {
  readonly layout: StreamLayout & { readonly dialect: DialectName };
  readonly graph: RevisionGraph;
}

/** What {@link testCommand} tests, and where. */
export interface TestCommandOptions {
  readonly stream: StreamLayout;
  readonly graph: RevisionGraph;
  /** An existing, empty database the test may change (`strata test --url`), instead of a throwaway one. */
  readonly database?: StreamTarget;
  /** The server to make the throwaway database on (`--server`); default: the dialect's embedded one (SQLite file, PGlite). */
  readonly server?: string;
  /**
   * For a dialect with no embedded server and no `server` named: make the throwaway database on the
   * server of the URL configured for the stream (or for a dependency of that dialect). The Nx target
   * does; `strata test` never touches the configured URL.
   */
  readonly onConfiguredServer?: boolean;
  /** The streams this one depends on, migrated first (one throwaway database per dialect in play). */
  readonly dependencies?: readonly TestDependency[];
}

/**
 * `strata test` and the Nx `migrate-test` target: the migration test (`testMigrations`: every revision
 * up, down and up again, each upgrade run twice, the head compared with the Drizzle schema, down to
 * base) on a throwaway database dropped after, or on `database`. Prints each step as it passes, then
 * `Stream "x": migration test passed, N revision(s), M steps (stairway, idempotency, drift, base) in T.`
 * A failing step throws `MigrationTestError` naming the revision and the step.
 *
 * @example
 * ```ts
 * import { loadRevisions, Output, resolveStreamSettings, RevisionGraph, testCommand } from '@strata/engine';
 * const stream = resolveStreamSettings({ cwd: 'apps/accounts', requireUrl: false });
 * await testCommand(new Output({ json: false }), { stream, graph: new RevisionGraph(loadRevisions(stream.revisionsDir)) });
 * ```
 */
export async function testCommand(out: Output, options: TestCommandOptions): Promise<MigrationTestResult> {
  const { stream, graph } = options;
  const dependencies = options.dependencies ?? [];
  if (options.database !== undefined) {
    out.line(`Stream "${stream.name}": testing ${graph.revisions.length} revision(s) on ${redactUrl(options.database.url)}.`);
    return run(out, options, options.database, new Map());
  }
  const serverDialect = options.server === undefined ? undefined : throwawayServerDialect(options.server);
  if (stream.dialect !== undefined && serverDialect !== undefined && serverDialect !== stream.dialect) {
    throw new TestingServerDialectError(stream.name, serverDialect, stream.dialect);
  }
  const dialect = stream.dialect ?? serverDialect;
  if (dialect === undefined) throw new TestingNeedsDialectError(stream.name);
  // One throwaway database per dialect in play, nested so that every one is dropped whatever fails.
  const dialects = [...new Set([dialect, ...dependencies.map((d) => d.layout.dialect)])];
  const urls = new Map<DialectName, string>();
  const nest = async (index: number): Promise<MigrationTestResult> => {
    const next = dialects[index];
    if (next === undefined) {
      const url = urls.get(dialect) as string;
      out.line(
        `Stream "${stream.name}": testing ${graph.revisions.length} revision(s) on a throwaway ${dialect} database, ${redactUrl(url)} (dropped after)` +
          (dependencies.length > 0 ? `, after ${dependencies.map((d) => d.layout.name).join(', ')}.` : '.'),
      );
      return run(out, options, { name: stream.name, dialect, url, lockTimeoutMs: stream.lockTimeoutMs }, urls);
    }
    return withThrowawayDatabase(await serverFor(next, dialect, options), (database) => {
      urls.set(next, database.url);
      return nest(index + 1);
    });
  };
  return nest(0);
}

/** Where the throwaway database of `dialect` is made: `server` (for the stream's own dialect), the embedded one, or a configured URL. */
async function serverFor(dialect: DialectName, own: DialectName, options: TestCommandOptions): Promise<string> {
  if (options.server !== undefined && dialect === own) return options.server;
  const embedded = (await loadDialect(dialect)).scratch.embeddedServer;
  if (embedded !== undefined) return embedded;
  const configured = options.onConfiguredServer === true;
  const url = !configured
    ? undefined
    : dialect === own
      ? options.stream.url
      : options.dependencies?.find((d) => d.layout.dialect === dialect && d.layout.url !== undefined)?.layout.url;
  if (url === undefined) throw new TestingNeedsServerError(options.stream.name, dialect, configured);
  return url;
}

async function run(out: Output, options: TestCommandOptions, target: StreamTarget, urls: ReadonlyMap<DialectName, string>): Promise<MigrationTestResult> {
  const { stream, graph } = options;
  const workspace: Map<string, WorkspaceStream> = new Map();
  for (const d of options.dependencies ?? []) {
    workspace.set(d.layout.name, { stream: { name: d.layout.name, dialect: d.layout.dialect, url: urls.get(d.layout.dialect) as string }, graph: d.graph });
  }
  const drizzle = stream.drizzle;
  const started = performance.now();
  const result = await testMigrations({
    stream: target,
    graph,
    ...(workspace.size > 0 ? { workspace } : {}),
    ...(drizzle ? { drift: { schemaFiles: drizzle.schemaFiles, ...(drizzle.casing ? { casing: drizzle.casing } : {}) } } : {}),
    onStep: (step) => out.line(`  ok  ${step.step.padEnd(9)}  ${step.revision ?? ''}`.trimEnd() + `  (${formatDuration(step.durationMs)})`),
  });
  const elapsed = performance.now() - started;
  out.result(result, () =>
    out.line(
      `Stream "${result.stream}": migration test passed, ${result.revisions.length} revision(s), ${result.steps.length} steps ` +
        `(stairway, idempotency${drizzle ? ', drift' : ''}, base) in ${formatDuration(elapsed)}.` +
        (drizzle ? '' : ' No Drizzle schema configured: drift not checked.'),
    ),
  );
  return result;
}
