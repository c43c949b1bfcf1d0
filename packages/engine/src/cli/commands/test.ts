import type { StreamLayout } from '../../config/stream-settings.js';
import { dialectFromUrl, redactUrl } from '../../dialects/url.js';
import type { RevisionGraph } from '../../revision/revision-graph.js';
import type { StreamTarget } from '../../runner/runner.js';
import type { MigrationTestResult, MigrationTestStepResult } from '../../testing/errors.js';
import { testMigrations } from '../../testing/test-migrations.js';
import { embeddedThrowawayServer, withThrowawayDatabase } from '../../testing/throwaway-database.js';
import type { Command, CommandInput } from '../command.js';
import { UsageError } from '../errors.js';
import { formatDuration } from '../../report/format-revision.js';
import { loadGraph, streamLayout, streamSettings } from '../stream-options.js';

/** `strata test`. */
export const testCommand: Command = {
  name: 'test',
  summary: 'Test the revisions on a scratch database: stairway, idempotency, drift, down to base.',
  usage: '[options]',
  description:
    'Applies the revisions one at a time from base; after each, downgrades one and upgrades again (stairway), then stamps\n' +
    'back one and runs the upgrade a second time (it must change nothing). At head, compares the schema with the Drizzle\n' +
    'schema (when drizzle.config names one), then downgrades to base, which must leave the database as it found it.\n' +
    'The database: --url URL (an empty database the test may change; the configured URL and STRATA_DATABASE_URL are never\n' +
    'used), or --server URL (a throwaway database is created on that server and dropped after), or by default a temp\n' +
    'file for a SQLite stream and an in-memory PGlite (embedded PostgreSQL, no server) for a PostgreSQL stream.\n' +
    'Exits 1 naming the revision and the step that failed. Streams whose revisions depend on other\n' +
    'streams are tested through the Nx plugin (`nx run <project>:migrate-test`), which knows the workspace.',
  options: {
    server: {
      type: 'string',
      valueName: 'URL',
      description:
        'A PostgreSQL or MySQL server URL to create the throwaway database on (postgres://postgres@127.0.0.1:5432/postgres), ' +
        'or pglite: with settings for the embedded one (pglite:?extensions=pg_trgm).',
    },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const server = input.values.server as string | undefined;
    const explicitUrl = input.values.url as string | undefined;
    if (server !== undefined && explicitUrl !== undefined) {
      throw new UsageError('--url and --server exclude each other: test on an existing empty database (--url) or on a throwaway one (--server).');
    }
    if (explicitUrl !== undefined) {
      const settings = streamSettings(input);
      input.out.line(`Testing stream "${settings.name}" on ${redactUrl(settings.url)}.`);
      return report(input, await test(input, settings, loadGraph(settings), settings));
    }
    const layout = streamLayout(input);
    const where = server ?? embeddedThrowawayServer(layout.dialect);
    if (where === undefined) {
      throw new UsageError(
        `strata test needs a database it may change for stream "${layout.name}"${layout.dialect ? ` (${layout.dialect})` : ''}.`,
        'Pass --server URL to create a throwaway database on that server (dropped after), or --url URL of an empty database.',
      );
    }
    const serverDialect = where === 'sqlite' ? 'sqlite' : dialectFromUrl(where);
    if (layout.dialect !== undefined && serverDialect !== undefined && serverDialect !== layout.dialect) {
      throw new UsageError(
        `--server names a ${serverDialect} server, but stream "${layout.name}" is configured for ${layout.dialect}.`,
        `Give a ${layout.dialect} server URL (or --dialect ${serverDialect} to test the revisions on ${serverDialect}).`,
      );
    }
    const graph = loadGraph(layout);
    const result = await withThrowawayDatabase(where, (database) => {
      input.out.line(`Testing stream "${layout.name}" on a throwaway database, ${redactUrl(database.url)} (dropped after).`);
      return test(input, layout, graph, { name: layout.name, dialect: database.dialect, url: database.url, lockTimeoutMs: layout.lockTimeoutMs });
    });
    report(input, result);
  },
};

function test(input: CommandInput, layout: StreamLayout, graph: RevisionGraph, stream: StreamTarget): Promise<MigrationTestResult> {
  const schema = layout.drizzle;
  return testMigrations({
    stream,
    graph,
    ...(schema ? { drift: { schemaFiles: schema.schemaFiles, ...(schema.casing ? { casing: schema.casing } : {}) } } : {}),
    onStep: (step) => input.out.line(formatStep(step)),
  });
}

function formatStep(step: MigrationTestStepResult): string {
  return `  ok  ${step.step.padEnd(9)}  ${step.revision ?? ''}`.trimEnd() + `  (${formatDuration(step.durationMs)})`;
}

function report(input: CommandInput, result: MigrationTestResult): void {
  input.out.result(result, () => {
    const total = result.steps.reduce((sum, s) => sum + s.durationMs, 0);
    input.out.line(`Stream "${result.stream}": migration test passed, ${result.revisions.length} revision(s), ${result.steps.length} steps in ${formatDuration(total)}.`);
  });
}
