import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runBinary, type CliRun } from '../../packages/engine/test/support/streams.js';
import { resolveStreamSettings } from '../../packages/engine/src/config/stream-settings.js';
import { REPO_ROOT } from '../e2e/support/workspace.js';

const APPS = readdirSync(join(REPO_ROOT, 'apps'));
/** The example's PostgreSQL service: on PGlite by default, so it too needs no server. */
const POSTGRES_APP = 'notifications';
const SQLITE_APPS = APPS.filter((app) => app !== POSTGRES_APP);

/** The comment lines at the top of a config file, joined. */
function leadingComment(file: string): string {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('//'))
    .map((line) => line.replace(/^\/\/ ?/, ''))
    .join(' ');
}

// Issue 12, item 11: the example's drizzle configs say what the README's quick start says, and do it.
describe('the example workspace\'s drizzle configs', () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each(SQLITE_APPS)('apps/%s: SQLite by default, STRATA_DATABASE_URL moves it as the README says', (app) => {
    const cwd = join(REPO_ROOT, 'apps', app);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
    expect(readme).toContain('`STRATA_DATABASE_URL=postgres://postgres@127.0.0.1:5432/example npm start`');
    expect(readme).toContain("the URL's scheme picks the dialect");
    const comment = leadingComment(join(cwd, 'drizzle.config.ts'));
    expect(comment).toContain('STRATA_DATABASE_URL=postgres://… or mysql://…');
    expect(comment).toContain("the URL's scheme picks the dialect");
    expect(comment).not.toMatch(/(?<!STRATA_)DATABASE_URL|change the dialect/);

    vi.stubEnv('STRATA_DATABASE_URL', '');
    const sqlite = resolveStreamSettings({ cwd });
    expect([sqlite.dialect, sqlite.url]).toEqual(['sqlite', `file://${join(REPO_ROOT, 'example.sqlite')}`]);
    vi.stubEnv('STRATA_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/example');
    expect(resolveStreamSettings({ cwd }).dialect).toBe('postgresql');
  });
});

// Issue 14: a PostgreSQL stream in the example, migrated and tested with no PostgreSQL server.
describe('the example\'s PostgreSQL service', () => {
  afterEach(() => vi.unstubAllEnvs());
  const cwd = join(REPO_ROOT, 'apps', POSTGRES_APP);
  const describeRun = (run: CliRun): string => `exit ${run.code}\n${run.stdout}\n${run.stderr}`;

  it(`apps/${POSTGRES_APP}: PostgreSQL on the PGlite folder example.pglite by default, STRATA_DATABASE_URL moves it to a server`, () => {
    expect(APPS).toContain(POSTGRES_APP);
    const comment = leadingComment(join(cwd, 'drizzle.config.ts'));
    expect(comment).toContain('STRATA_DATABASE_URL=postgres://…');
    expect(comment).toContain('--exclude=notifications');
    vi.stubEnv('STRATA_DATABASE_URL', '');
    const embedded = resolveStreamSettings({ cwd });
    expect([embedded.dialect, embedded.url]).toEqual(['postgresql', `pglite:${join(REPO_ROOT, 'example.pglite')}`]);
    vi.stubEnv('STRATA_DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/example');
    expect(resolveStreamSettings({ cwd }).url).toBe('postgres://postgres@127.0.0.1:5432/example');
  });

  it('`strata test` (what nx affected -t migrate-test runs) passes on a throwaway PGlite: no server is asked for', { timeout: 300_000 }, async () => {
    // A server URL nothing answers on: the test must not need it.
    const run = await runBinary(['test'], { cwd, env: { STRATA_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never_reached' } });
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toMatch(/throwaway .*pglite:memory:\/\/strata_test_[0-9a-f]+/);
    expect(run.stdout).toContain('drift');
  });
});
