import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StrataError } from '../errors.js';
import * as configErrors from './errors.js';
import {
  DEFAULT_LOCK_TIMEOUT_MS,
  resolveStreamSettings,
  simpleGlob,
  type ResolveStreamSettingsOptions,
  type StreamSettings,
} from './stream-settings.js';

let root: string;

beforeEach(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'strata-config-')));
  // The developer's own environment must not leak into the tests.
  vi.stubEnv('STRATA_DATABASE_URL', '');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path relative to the temp root → content) and returns the project folder. */
function project(files: Record<string, string>, folder = 'app'): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return dir;
}

function drizzleConfig(body: string): string {
  return `import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig(${body});\n`;
}

function resolveError(options: ResolveStreamSettingsOptions): StrataError {
  try {
    resolveStreamSettings(options);
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('resolveStreamSettings did not throw');
}

describe('drizzle.config', () => {
  it('reads the dialect and a URL from an environment variable', () => {
    vi.stubEnv('BILLING_DATABASE_URL', 'postgres://app:pw@127.0.0.1:5432/billing');
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{
        schema: './src/schema.ts',
        out: './drizzle',
        dialect: 'postgresql',
        dbCredentials: { url: process.env.BILLING_DATABASE_URL! },
      }`),
      'app/package.json': JSON.stringify({ name: '@acme/billing' }),
    });
    expect(resolveStreamSettings({ cwd })).toEqual<StreamSettings>({
      name: 'billing',
      dialect: 'postgresql',
      url: 'postgres://app:pw@127.0.0.1:5432/billing',
      revisionsDir: join(cwd, 'drizzle'),
      projectDir: cwd,
      lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
      configFiles: [join(cwd, 'drizzle.config.ts')],
      // A plain path is kept though the file is missing, so that loading it names it.
      drizzle: { schemaFiles: [join(cwd, 'src', 'schema.ts')] },
    });
  });

  it('takes a relative PGlite directory from the config file\'s folder, as a SQLite path, wherever the command runs', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ schema: './src/schema.ts', dialect: 'postgresql', dbCredentials: { url: 'pglite:../.pglite/app?extensions=citext' } }`),
    });
    expect(resolveStreamSettings({ cwd }).url).toBe(`pglite:${join(cwd, '..', '.pglite', 'app')}?extensions=citext`);
  });

  it('turns PostgreSQL credentials into a URL with the password percent-encoded', () => {
    const password = 'p@ss:w/rd#%?&';
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{
        dialect: 'postgresql',
        dbCredentials: { host: 'db.internal', port: 6432, user: 'app user', password: ${JSON.stringify(password)}, database: 'billing', ssl: true },
      }`),
    });
    const { url } = resolveStreamSettings({ cwd });
    expect(url).toBe('postgresql://app%20user:p%40ss%3Aw%2Frd%23%25%3F%26@db.internal:6432/billing?sslmode=require');
    const parsed = new URL(url);
    expect(decodeURIComponent(parsed.password)).toBe(password);
    expect(parsed.hostname).toBe('db.internal');
  });

  it('turns MySQL credentials into a URL, with ssl as mysql2 reads it', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{
        dialect: 'mysql',
        dbCredentials: { host: '127.0.0.1', user: 'root', password: 'pw', database: 'shop', ssl: { rejectUnauthorized: true } },
      }`),
    });
    const settings = resolveStreamSettings({ cwd });
    expect(settings.dialect).toBe('mysql');
    expect(settings.url).toBe(`mysql://root:pw@127.0.0.1/shop?ssl=${encodeURIComponent('{"rejectUnauthorized":true}')}`);
  });

  it('brackets an IPv6 host and leaves out absent user and password', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { host: '::1', database: 'app' } }`),
    });
    expect(resolveStreamSettings({ cwd }).url).toBe('postgresql://[::1]/app');
  });

  it('refuses PostgreSQL TLS options that a URL cannot carry', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { host: 'db', database: 'app', ssl: { ca: 'PEM' } } }`),
    });
    const error = resolveError({ cwd });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(join(cwd, 'drizzle.config.ts'));
    expect(error.hint).toContain('sslmode');
  });

  it('accepts module.exports in drizzle.config.cjs and drizzle.config.js', () => {
    const cjs = project({ 'a/drizzle.config.cjs': `module.exports = { dialect: 'sqlite', dbCredentials: { url: 'app.db' } };\n` }, 'a');
    expect(resolveStreamSettings({ cwd: cjs })).toMatchObject({ dialect: 'sqlite', url: pathToFileURL(join(cjs, 'app.db')).href });
    const js = project({ 'b/drizzle.config.js': `export default { dialect: 'mysql', dbCredentials: { url: 'mysql://root@localhost/b' } };\n` }, 'b');
    expect(resolveStreamSettings({ cwd: js })).toMatchObject({ dialect: 'mysql', url: 'mysql://root@localhost/b' });
  });

  it('resolves a relative SQLite path against the config file, with or without file:', () => {
    const cwd = project({
      'app/project.json': JSON.stringify({ name: 'accounts' }),
      'shared/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', dbCredentials: { url: 'file:./data/app.db' } }`),
      'other/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', dbCredentials: { url: '../data/other.sqlite' } }`),
    });
    const shared = resolveStreamSettings({ cwd, drizzleConfig: '../shared/drizzle.config.ts' });
    expect(shared.url).toBe(pathToFileURL(join(root, 'shared', 'data', 'app.db')).href);
    expect(shared.configFiles).toEqual([join(root, 'shared', 'drizzle.config.ts')]);
    expect(shared.name).toBe('accounts');
    const other = resolveStreamSettings({ cwd, drizzleConfig: join(root, 'other', 'drizzle.config.ts') });
    expect(other.url).toBe(pathToFileURL(join(root, 'data', 'other.sqlite')).href);
  });

  it('keeps :memory: and resolves a relative --url against cwd', () => {
    const cwd = project({ 'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', dbCredentials: { url: ':memory:' } }`) });
    expect(resolveStreamSettings({ cwd }).url).toBe(':memory:');
    expect(resolveStreamSettings({ cwd, url: 'file:local.db' }).url).toBe(pathToFileURL(join(cwd, 'local.db')).href);
  });

  it.each(['turso', 'singlestore', 'gel'])('refuses the %s dialect', (dialect) => {
    const cwd = project({ 'app/drizzle.config.ts': drizzleConfig(`{ dialect: '${dialect}', dbCredentials: { url: 'libsql://x' } }`) });
    const error = resolveError({ cwd });
    expect(error).toBeInstanceOf(configErrors.ConfigUnsupportedDialectError);
    expect(error.message).toContain(`"${dialect}"`);
    expect(error.message).toContain(join(cwd, 'drizzle.config.ts'));
    expect(error.hint).toBeTruthy();
  });

  it('calls a misspelt dialect invalid, and a missing one too', () => {
    const typo = project({ 'a/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgres' }`) }, 'a');
    expect(resolveError({ cwd: typo })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('"postgres"') });
    const missing = project({ 'b/drizzle.config.ts': drizzleConfig(`{ schema: './schema.ts' }`) }, 'b');
    expect(resolveError({ cwd: missing })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('`dialect` is missing') });
  });

  it('refuses a driver that is not reached through a URL', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', driver: 'd1-http', dbCredentials: { accountId: 'a', databaseId: 'b', token: 'c' } }`),
    });
    expect(resolveError({ cwd })).toMatchObject({ code: 'CONFIG_UNSUPPORTED_DRIVER', details: { driver: 'd1-http' } });
  });

  it('reports a config without a default export, or whose export is not an object', () => {
    const named = project({ 'a/drizzle.config.ts': `export const config = { dialect: 'sqlite' };\n` }, 'a');
    expect(resolveError({ cwd: named })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('no default export') });
    const scalar = project({ 'b/drizzle.config.cjs': `module.exports = 'sqlite';\n` }, 'b');
    expect(resolveError({ cwd: scalar })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('must export an object') });
  });

  it('refuses two drizzle configs in one folder', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite' }`),
      'app/drizzle.config.js': `module.exports = { dialect: 'sqlite' };\n`,
    });
    const error = resolveError({ cwd });
    expect(error.code).toBe('CONFIG_AMBIGUOUS_FILE');
    expect(error.message).toContain('drizzle.config.ts');
    expect(error.message).toContain('drizzle.config.js');
  });

  it('names a config file given by flag that does not exist', () => {
    const cwd = project({});
    expect(resolveError({ cwd, drizzleConfig: 'nope.config.ts' })).toMatchObject({
      code: 'CONFIG_FILE_NOT_FOUND',
      message: expect.stringContaining(join(cwd, 'nope.config.ts')),
    });
  });
});

describe('drizzle.config schema and casing', () => {
  const config = (schema: string, extra = ''): Record<string, string> => ({
    'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', schema: ${schema}, dbCredentials: { url: 'app.db' }${extra} }`),
    'app/src/db/users.ts': '',
    'app/src/db/posts.ts': '',
    'app/src/db/notes.md': '',
    'app/src/db/.hidden.ts': '',
    'app/src/db/nested/audit.ts': '',
    'app/src/other/billing.mts': '',
  });

  it('reads a path relative to the config folder, and casing', () => {
    const cwd = project(config(`'./src/db/users.ts'`, `, casing: 'snake_case'`));
    expect(resolveStreamSettings({ cwd }).drizzle).toEqual({ schemaFiles: [join(cwd, 'src/db/users.ts')], casing: 'snake_case' });
  });

  it('resolves from the config file folder, not from cwd', () => {
    const cwd = project({ ...config(`'./src/db/users.ts'`), 'elsewhere/x.txt': '' }, 'elsewhere');
    expect(resolveStreamSettings({ cwd, drizzleConfig: '../app/drizzle.config.ts' }).drizzle?.schemaFiles).toEqual([join(root, 'app/src/db/users.ts')]);
  });

  it('expands an array of globs and folders to module files, without duplicates', () => {
    const cwd = project(config(`['./src/db/*.ts', 'src/**/*.ts', './src/other', './src/db/users.ts']`));
    expect(resolveStreamSettings({ cwd }).drizzle?.schemaFiles).toEqual([
      join(cwd, 'src/db/posts.ts'),
      join(cwd, 'src/db/users.ts'),
      join(cwd, 'src/db/nested/audit.ts'),
      join(cwd, 'src/other/billing.mts'),
    ]);
  });

  it('has no drizzle settings without schema, and an empty list when a glob matches nothing', () => {
    const none = project({ 'a/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite' }`) }, 'a');
    expect(resolveStreamSettings({ cwd: none, requireUrl: false }).drizzle).toBeUndefined();
    const empty = project({ 'b/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', schema: './nothing/*.ts' }`) }, 'b');
    expect(resolveStreamSettings({ cwd: empty, requireUrl: false }).drizzle).toEqual({ schemaFiles: [] });
  });

  it('refuses a schema or casing of the wrong type, naming the file', () => {
    const badSchema = project({ 'a/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', schema: [42] }`) }, 'a');
    expect(resolveError({ cwd: badSchema, requireUrl: false })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('`schema`') });
    const badCasing = project({ 'b/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', schema: './s.ts', casing: 'kebab' }`) }, 'b');
    expect(resolveError({ cwd: badCasing, requireUrl: false })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('`casing`') });
  });

  it('globs with *, ? and ** on its own, skipping dot files', () => {
    const cwd = project(config(`'x'`));
    expect(simpleGlob('src/db/*.ts', cwd)).toEqual([join(cwd, 'src/db/posts.ts'), join(cwd, 'src/db/users.ts')].sort());
    expect(simpleGlob('src/db/?ser?.ts', cwd)).toEqual([join(cwd, 'src/db/users.ts')]);
    expect(simpleGlob('src/**/*.ts', cwd).sort()).toEqual(
      [join(cwd, 'src/db/posts.ts'), join(cwd, 'src/db/users.ts'), join(cwd, 'src/db/nested/audit.ts')].sort(),
    );
    expect(simpleGlob('src/*/billing.mts', cwd)).toEqual([join(cwd, 'src/other/billing.mts')]);
    expect(simpleGlob('src/db/.*.ts', cwd)).toEqual([join(cwd, 'src/db/.hidden.ts')]);
    expect(simpleGlob(join(cwd, 'src/db/users.ts'), '/elsewhere')).toEqual([join(cwd, 'src/db/users.ts')]);
    expect(simpleGlob('nope/*.ts', cwd)).toEqual([]);
  });
});

describe('strata.config', () => {
  it('configures a stream without Drizzle from strata.config.json', () => {
    const cwd = project({
      'migrations-root/strata.config.json': JSON.stringify({
        stream: 'shared',
        dir: 'revisions',
        dialect: 'sqlite',
        url: './shared.db',
        lockTimeoutMs: 5000,
      }),
    }, 'migrations-root');
    expect(resolveStreamSettings({ cwd })).toEqual<StreamSettings>({
      name: 'shared',
      dialect: 'sqlite',
      url: pathToFileURL(join(cwd, 'shared.db')).href,
      revisionsDir: join(cwd, 'revisions'),
      projectDir: cwd,
      lockTimeoutMs: 5000,
      configFiles: [join(cwd, 'strata.config.json')],
    });
  });

  it('loads strata.config.ts and infers the dialect from the URL', () => {
    const cwd = project({ 'app/strata.config.ts': `const config: { url: string } = { url: 'mariadb://root@localhost/app' };\nexport default config;\n` });
    expect(resolveStreamSettings({ cwd })).toMatchObject({ dialect: 'mysql', url: 'mariadb://root@localhost/app', name: 'app' });
  });

  it('sits next to a drizzle.config when it only sets stream, dir and lockTimeoutMs', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { url: 'postgres://localhost/app' } }`),
      'app/strata.config.json': JSON.stringify({ stream: 'billing', dir: 'db/revisions', lockTimeoutMs: 0 }),
    });
    expect(resolveStreamSettings({ cwd })).toMatchObject({
      name: 'billing',
      revisionsDir: join(cwd, 'db', 'revisions'),
      lockTimeoutMs: 0,
      configFiles: [join(cwd, 'drizzle.config.ts'), join(cwd, 'strata.config.json')],
    });
  });

  it.each(['url', 'dialect'])('refuses a %s set in both strata.config and drizzle.config', (setting) => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { url: 'postgres://localhost/app' } }`),
      'app/strata.config.json': JSON.stringify(setting === 'url' ? { url: 'postgres://localhost/app' } : { dialect: 'postgresql' }),
    });
    const error = resolveError({ cwd });
    expect(error).toBeInstanceOf(configErrors.ConfigDuplicateSettingError);
    expect(error.code).toBe('CONFIG_DUPLICATE_SETTING');
    expect(error.message).toContain(join(cwd, 'drizzle.config.ts'));
    expect(error.message).toContain(join(cwd, 'strata.config.json'));
    expect(error.hint).toContain(setting);
  });

  it('takes drizzle.config\'s `out` as the revisions folder, from the config\'s folder; never also strata.config\'s `dir` (issue 12)', () => {
    const cwd = project({ 'out/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', out: './db/revisions', dbCredentials: { url: 'app.db' } }`) }, 'out');
    expect(resolveStreamSettings({ cwd }).revisionsDir).toBe(join(cwd, 'db', 'revisions'));
    expect(resolveStreamSettings({ cwd, dir: 'elsewhere' }).revisionsDir).toBe(join(cwd, 'elsewhere'));
    const twice = project(
      { 'twice/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', out: './drizzle', dbCredentials: { url: 'app.db' } }`), 'twice/strata.config.json': '{ "dir": "migrations" }' },
      'twice',
    );
    const error = resolveError({ cwd: twice });
    expect(error.code).toBe('CONFIG_DUPLICATE_SETTING');
    expect(error.message).toMatch(/`dir` is set in .*strata\.config\.json, but .*drizzle\.config\.ts already sets it as `out`/);
  });

  it.each([
    ['tablesFilter', `['billing_*']`, /tables its Drizzle schema declares \(`schema`\)/],
    ['schemaFilter', `['public']`, /PostgreSQL schemas its Drizzle schema declares/],
    ['migrations', `{ table: 'my_migrations', schema: 'ops' }`, /strata_version and strata_history/],
  ])('refuses drizzle.config\'s %s, saying what does the job in Strata (issue 12)', (key, value, instead) => {
    const cwd = project({ [`${key}/drizzle.config.ts`]: drizzleConfig(`{ dialect: 'postgresql', ${key}: ${value}, dbCredentials: { url: 'postgres://localhost/app' } }`) }, key);
    const error = resolveError({ cwd });
    expect(error.code).toBe('CONFIG_UNSUPPORTED_SETTING');
    expect(error.message).toContain(`\`${key}\` in ${join(cwd, 'drizzle.config.ts')}`);
    expect(error.hint).toMatch(instead);
  });

  it('refuses unknown keys, wrong types and malformed JSON, naming the file', () => {
    const file = (name: string, content: string): StrataError => resolveError({ cwd: project({ [`${name}/strata.config.json`]: content }, name) });
    expect(file('a', JSON.stringify({ dialect: 'sqlite', url: 'x.db', strem: 'typo' })).message).toMatch(/strata\.config\.json: unknown key `strem`/);
    expect(file('b', JSON.stringify({ dialect: 'sqlite', lockTimeoutMs: -1 })).message).toContain('lockTimeoutMs');
    expect(file('c', JSON.stringify({ dialect: 'sqlite', dir: 3 })).message).toContain('`dir` must be a non-empty string');
    expect(file('d', '{ "dialect": ').code).toBe('CONFIG_INVALID');
  });
});

describe('precedence', () => {
  const pgConfig = { 'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { url: 'postgres://localhost/from_config' } }`) };

  it('lets STRATA_DATABASE_URL override the config, and --url override both', () => {
    const cwd = project(pgConfig);
    vi.stubEnv('STRATA_DATABASE_URL', 'postgres://localhost/from_env');
    expect(resolveStreamSettings({ cwd }).url).toBe('postgres://localhost/from_env');
    expect(resolveStreamSettings({ cwd, url: 'postgres://localhost/from_flag' }).url).toBe('postgres://localhost/from_flag');
  });

  it('lets the flags override stream, dir and lock timeout', () => {
    const cwd = project({ ...pgConfig, 'app/strata.config.json': JSON.stringify({ stream: 'cfg', dir: 'cfg', lockTimeoutMs: 1 }) });
    expect(resolveStreamSettings({ cwd, stream: 'flag', dir: '../elsewhere', lockTimeoutMs: 2 })).toMatchObject({
      name: 'flag',
      revisionsDir: join(root, 'elsewhere'),
      lockTimeoutMs: 2,
    });
  });

  it('names the stream from project.json, then package.json without its scope, then the folder', () => {
    const both = project({ 'a/project.json': '{"name":"from-project"}', 'a/package.json': '{"name":"@s/from-package"}', 'a/strata.config.json': '{"dialect":"sqlite"}' }, 'a');
    expect(resolveStreamSettings({ cwd: both, requireUrl: false }).name).toBe('from-project');
    const pkg = project({ 'b/package.json': '{"name":"@s/from-package"}', 'b/strata.config.json': '{"dialect":"sqlite"}' }, 'b');
    expect(resolveStreamSettings({ cwd: pkg, requireUrl: false }).name).toBe('from-package');
    const folder = project({ 'c.d_e/strata.config.json': '{"dialect":"sqlite"}' }, 'c.d_e');
    expect(resolveStreamSettings({ cwd: folder, requireUrl: false }).name).toBe('c.d_e');
  });

  it('refuses an invalid stream name, saying where it came from', () => {
    const cwd = project({ 'my app/strata.config.json': '{"dialect":"sqlite"}' }, 'my app');
    const error = resolveError({ cwd, requireUrl: false });
    expect(error).toMatchObject({ code: 'CONFIG_INVALID_STREAM_NAME', message: expect.stringContaining(cwd) });
    expect(resolveError({ cwd, stream: '-x', requireUrl: false }).message).toContain('--stream');
  });
});

describe('dialect and URL checks', () => {
  it('refuses a --dialect that disagrees with the URL, without showing the password', () => {
    const cwd = project({
      'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { host: 'db', user: 'app', password: 'hunter2', database: 'app' } }`),
    });
    const error = resolveError({ cwd, dialect: 'mysql' });
    expect(error.code).toBe('CONFIG_DIALECT_MISMATCH');
    expect(error.message).toContain('--dialect');
    expect(error.message).toContain(join(cwd, 'drizzle.config.ts'));
    expect(error.message).toContain('postgresql://app:***@db/app');
    expect(JSON.stringify(error.toJSON())).not.toContain('hunter2');
  });

  it('lets STRATA_DATABASE_URL replace the config file\'s dialect and URL together', () => {
    const cwd = project({ 'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', dbCredentials: { url: 'app.db' } }`) });
    vi.stubEnv('STRATA_DATABASE_URL', 'mysql://root@localhost/app');
    expect(resolveStreamSettings({ cwd })).toMatchObject({ dialect: 'mysql', url: 'mysql://root@localhost/app' });
    expect(resolveStreamSettings({ cwd, url: 'postgres://localhost/app' })).toMatchObject({ dialect: 'postgresql' });
  });

  it('refuses a --dialect that disagrees with STRATA_DATABASE_URL, without showing the password', () => {
    const cwd = project({ 'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'sqlite', dbCredentials: { url: 'app.db' } }`) });
    vi.stubEnv('STRATA_DATABASE_URL', 'mysql://root:t%40ps3cret@localhost/app');
    const error = resolveError({ cwd, dialect: 'sqlite' });
    expect(error.code).toBe('CONFIG_DIALECT_MISMATCH');
    expect(error.message).toContain('STRATA_DATABASE_URL');
    expect(JSON.stringify(error.toJSON())).not.toMatch(/t%40ps3cret|t@ps3cret/);
  });

  it('reports a missing URL with the three ways to give one', () => {
    const cwd = project({ 'app/drizzle.config.ts': drizzleConfig(`{ dialect: 'postgresql', dbCredentials: { url: process.env.UNSET_STRATA_TEST_URL! } }`) });
    const error = resolveError({ cwd });
    expect(error).toBeInstanceOf(configErrors.ConfigMissingUrlError);
    expect(error.message).toContain(join(cwd, 'drizzle.config.ts'));
    expect(error.hint).toContain('--url');
    expect(error.hint).toContain('STRATA_DATABASE_URL');
    expect(error.hint).toContain('drizzle.config.ts');
  });

  it('returns no URL when none is required', () => {
    const cwd = project({ 'app/strata.config.json': '{"dialect":"postgresql"}' });
    const layout = resolveStreamSettings({ cwd, requireUrl: false });
    expect(layout).toMatchObject({ dialect: 'postgresql' });
    expect(layout.url).toBeUndefined();
  });

  it('needs a URL when there is no config at all, and neither URL nor dialect when no URL is required', () => {
    const cwd = project({});
    const error = resolveError({ cwd, dialect: 'sqlite' });
    expect(error.code).toBe('CONFIG_MISSING_URL');
    expect(error.message).toContain(cwd);
    expect(resolveError({ cwd }).code).toBe('CONFIG_MISSING_URL');
    const layout = resolveStreamSettings({ cwd, requireUrl: false });
    expect(layout.dialect).toBeUndefined();
    expect(layout.url).toBeUndefined();
    expect(layout.revisionsDir).toBe(join(cwd, 'migrations'));
    expect(resolveError({ cwd, url: 'oracle://db/app' })).toMatchObject({ code: 'CONFIG_MISSING_DIALECT', message: expect.stringContaining(cwd) });
    expect(resolveStreamSettings({ cwd, url: 'postgresql://localhost/app' })).toMatchObject({ dialect: 'postgresql', configFiles: [] });
  });

  it('refuses an unsupported --dialect', () => {
    const cwd = project({});
    expect(resolveError({ cwd, dialect: 'oracle' as never, url: 'x' })).toMatchObject({ code: 'CONFIG_UNSUPPORTED_DIALECT' });
  });
});

describe('config errors', () => {
  it('have unique CONFIG_ codes', () => {
    const codes = Object.values(configErrors).map((cls) => (cls as unknown as { CODE: string }).CODE);
    expect(codes.every((code) => code.startsWith('CONFIG_'))).toBe(true);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('DDL timeouts', () => {
  it('reads them from strata.config, flags winning key by key', () => {
    const cwd = project({ 'app/strata.config.json': JSON.stringify({ url: 'file:app.db', ddlLockTimeoutMs: 2000, statementTimeoutMs: 60000, ddlLockRetries: 2 }) });
    expect(resolveStreamSettings({ cwd }).ddl).toEqual({ lockTimeoutMs: 2000, statementTimeoutMs: 60000, lockRetries: 2 });
    expect(resolveStreamSettings({ cwd, ddl: { lockTimeoutMs: 500 } }).ddl).toEqual({ lockTimeoutMs: 500, statementTimeoutMs: 60000, lockRetries: 2 });
  });

  it('has none unless one is set, and is not the migration lock timeout', () => {
    const cwd = project({ 'app/strata.config.json': JSON.stringify({ url: 'file:app.db', lockTimeoutMs: 10 }) });
    const settings = resolveStreamSettings({ cwd });
    expect([settings.ddl, settings.lockTimeoutMs]).toEqual([undefined, 10]);
  });

  it('refuses a value that is not a whole, non-negative number', () => {
    const cwd = project({ 'app/strata.config.json': JSON.stringify({ url: 'file:app.db', ddlLockTimeoutMs: '2s' }) });
    expect(resolveError({ cwd })).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('`ddlLockTimeoutMs` must be a whole, non-negative number') });
    expect(resolveError({ cwd: project({ 'app/strata.config.json': JSON.stringify({ url: 'file:app.db' }) }), ddl: { lockRetries: -1 } })).toMatchObject({ code: 'CONFIG_INVALID' });
  });
});
