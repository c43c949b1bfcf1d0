import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveStreamSettings } from '../../packages/engine/src/config/stream-settings.js';
import { REPO_ROOT } from '../e2e/support/workspace.js';

const APPS = readdirSync(join(REPO_ROOT, 'apps'));

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

  it.each(APPS)('apps/%s: SQLite by default, STRATA_DATABASE_URL moves it as the README says', (app) => {
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
