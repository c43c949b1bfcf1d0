import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
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
    if (server !== undefined && input.values.url !== undefined) {
      throw new UsageError('--url and --server exclude each other: test on an existing empty database (--url) or on a throwaway one (--server).');
    }
    const layout = streamLayout(input);
    const { testCommand: runTest } = await import('../../commands/test.js');
    await runTest(input.out, {
      stream: layout,
      graph: loadGraph(layout),
      ...(input.values.url !== undefined ? { database: streamSettings(input) } : {}),
      ...(server !== undefined ? { server } : {}),
    });
  },
};
