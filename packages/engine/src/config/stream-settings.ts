import { existsSync, readFileSync, readdirSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, extname, join, resolve, sep } from 'node:path';
import { DIALECT_NAMES, type DialectName } from '../dialects/dialect.js';
import { hostCredentialsUrl, takesHostCredentials } from '../dialects/credentials.js';
import { absoluteDatabaseUrl, dialectFromUrl } from '../dialects/url.js';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import { STREAM_NAME_PATTERN } from '../revision/revision.js';
import {
  ConfigAmbiguousFileError,
  ConfigDialectMismatchError,
  ConfigDuplicateSettingError,
  ConfigFileNotFoundError,
  ConfigInvalidError,
  ConfigInvalidStreamNameError,
  ConfigMissingDialectError,
  ConfigMissingUrlError,
  ConfigUnsupportedDialectError,
  ConfigUnsupportedDriverError,
  ConfigUnsupportedSettingError,
} from './errors.js';
import { DRIZZLE_CONFIG_NAMES, STRATA_CONFIG_NAMES } from './config-files.js';

/** Everything a command needs to know about one stream. */
export interface StreamLayout {
  /** The stream name (the Nx project name). */
  name: string;
  /** The database dialect, when configured (commands that never connect work without it). */
  dialect?: DialectName;
  /** The database URL, when configured. For SQLite it is always absolute: a `file:///…` URL or `:memory:`. */
  url?: string;
  /** The revisions folder, absolute. */
  revisionsDir: string;
  /** The project folder (`cwd`), absolute. */
  projectDir: string;
  /** How long a runner waits for another runner's migration lock, in milliseconds. */
  lockTimeoutMs: number;
  /**
   * The DDL timeouts and lock retries of every revision (`--ddl-lock-timeout`, `--statement-timeout`,
   * `--ddl-lock-retries`, or strata.config's `ddlLockTimeoutMs`, `statementTimeoutMs`, `ddlLockRetries`);
   * absent when none is set. A revision's own `lockTimeout`/`statementTimeout` override them.
   */
  ddl?: DdlSettings;
  /** The config files read (drizzle.config, then strata.config), absolute; empty when there are none. */
  configFiles: string[];
  /** The Drizzle schema, when drizzle.config sets `schema`: what autogenerate reads (`readDrizzleSchema`). */
  drizzle?: DrizzleSchemaSettings;
  /** How autogenerate writes ops that lock a live table (`--safe-forms`, strata.config's `safety`); absent: `'plain'`. */
  safety?: SafetyMode;
  /** One transaction per revision or per run (`--transaction`, strata.config's `transaction`); absent: `'revision'`. */
  transaction?: TransactionMode;
}

/**
 * How long each statement of a revision may wait for a table lock and run, and how often a revision whose
 * statement waited too long is tried again. Not the migration lock's wait (`lockTimeoutMs`): that one is
 * Strata's own lock between runners; these are the server's locks on the tables a revision changes.
 */
export interface DdlSettings {
  /** PostgreSQL `lock_timeout`, MySQL/MariaDB `lock_wait_timeout` (whole seconds, rounded up), SQLite `busy_timeout`, in milliseconds. */
  readonly lockTimeoutMs?: number;
  /** PostgreSQL `statement_timeout`, MariaDB `max_statement_time`, in milliseconds (SQLite has none). */
  readonly statementTimeoutMs?: number;
  /** How many times a revision that failed on the lock timeout is run again, with a growing pause (default 0). */
  readonly lockRetries?: number;
}

/** drizzle.config's `schema` and `casing`. */
export interface DrizzleSchemaSettings {
  /**
   * The schema modules, absolute: `schema` (a path or an array) resolved from the config file's folder,
   * globs (`*`, `?`, `**`) expanded, a folder replaced by the .ts/.js files directly in it, as drizzle-kit
   * does. A plain path is kept even when the file is missing, so that loading it names it.
   */
  schemaFiles: string[];
  /** How property names become column names when the schema gives none. */
  casing?: 'snake_case' | 'camelCase';
}

/** A stream's settings, with the database it migrates: what the runner needs. */
export interface StreamSettings extends StreamLayout {
  /** The database dialect. */
  dialect: DialectName;
  /** The database URL. For SQLite it is always absolute: a `file:///…` URL or `:memory:`. */
  url: string;
}

/** What {@link resolveStreamSettings} reads: the command-line flags plus where to look. */
export interface ResolveStreamSettingsOptions {
  /** The project folder: config files, project.json and package.json are looked for here. */
  cwd: string;
  /** A strata.config file to use instead of the one in `cwd` (relative to `cwd`). */
  config?: string;
  /** A drizzle.config file to use instead of the one in `cwd` (relative to `cwd`). */
  drizzleConfig?: string;
  /** `--stream`: the stream name. */
  stream?: string;
  /** `--dir`: the revisions folder, relative to `cwd`. */
  dir?: string;
  /** `--url`: the database URL; a relative SQLite path is relative to `cwd`. */
  url?: string;
  /** `--dialect`. */
  dialect?: DialectName;
  /** `--lock-timeout`, in milliseconds. */
  lockTimeoutMs?: number;
  /** `--ddl-lock-timeout`, `--statement-timeout` (milliseconds) and `--ddl-lock-retries`; each overrides strata.config's. */
  ddl?: DdlSettings;
  /** `--safe-forms` (`'online'`); overrides strata.config's `safety`. */
  safety?: SafetyMode;
  /** `--transaction`; overrides strata.config's `transaction`. */
  transaction?: TransactionMode;
  /** Throw {@link ConfigMissingUrlError} when no URL is configured (default `true`). */
  requireUrl?: boolean;
}

/**
 * How autogenerate writes the ops that lock a live table for long: `'plain'` (the default) as the
 * schema change reads, `'online'` in their safe forms ({@link toSafeForms}).
 *
 * @example
 * ```ts
 * import type { SafetyMode } from '@strata/engine';
 * const mode: SafetyMode = 'online';
 * ```
 */
export type SafetyMode = 'plain' | 'online';

/** The safety modes, as the options take them. */
export const SAFETY_MODES: readonly SafetyMode[] = ['plain', 'online'];

/**
 * How `upgrade` and `downgrade` wrap revisions in transactions where the database rolls DDL back
 * (PostgreSQL, SQLite):
 *
 * - `'revision'` (the default): one transaction per revision. A failing revision is rolled back alone;
 *   the revisions before it stay applied, each committed with its ledger rows.
 * - `'run'` (Alembic's `transaction_per_migration=False`): one transaction for the whole run. A failing
 *   revision rolls back every revision of the run, so the database is either at the target or where it
 *   started; the price is that the run's locks are held, and its work is invisible to other sessions,
 *   until the last revision commits. A revision with `transactional: false` ends the run's transaction
 *   before it (committing the revisions so far) and the next one starts a new one. A DDL lock timeout
 *   is not retried (`ddlLockRetries`) once earlier revisions share the transaction, since retrying
 *   would mean running them again.
 *
 * MySQL/MariaDB commit each DDL statement by themselves: there `'run'` warns
 * (`RUNNER_RUN_TRANSACTION_UNSUPPORTED`) and runs per revision.
 *
 * @example
 * ```ts
 * import type { TransactionMode } from '@strata/engine';
 * const mode: TransactionMode = 'run';
 * ```
 */
export type TransactionMode = 'revision' | 'run';

/** The transaction modes, as the options take them. */
export const TRANSACTION_MODES: readonly TransactionMode[] = ['revision', 'run'];

/** The environment variable that gives the database URL, above the config files and below `--url`. */
export const DATABASE_URL_ENV = 'STRATA_DATABASE_URL';

/** How long a runner waits for another runner's lock unless told otherwise: one minute. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

const STRATA_CONFIG_KEYS = ['stream', 'dir', 'dialect', 'url', 'lockTimeoutMs', 'ddlLockTimeoutMs', 'statementTimeoutMs', 'ddlLockRetries', 'safety', 'transaction'] as const;

/**
 * drizzle.config keys Strata refuses, each with what does the job in Strata. Keys not listed and not read
 * (`strict`, `verbose`, `breakpoints`, `introspect`, `entities`, `extensionsFilters`) only change how
 * drizzle-kit itself prints, prompts or pulls, and are left to it.
 */
const REFUSED_DRIZZLE_KEYS: Readonly<Record<string, string>> = {
  tablesFilter:
    'A stream migrates exactly the tables its Drizzle schema declares (`schema`): list only this stream\'s schema files there, and tables of other owners are never touched.',
  schemaFilter:
    'A stream migrates exactly the PostgreSQL schemas its Drizzle schema declares (`pgSchema` in the `schema` files): list only this stream\'s schema files there.',
  migrations:
    'Strata keeps its own ledger (strata_version and strata_history, one row set per stream) and names revision files itself; `migrations.table`, `.schema` and `.prefix` have no Strata counterpart.',
};

/** drizzle-kit dialects that exist but that Strata cannot migrate. */
const UNSUPPORTED_DRIZZLE_DIALECTS = ['turso', 'singlestore', 'gel'];

/** A value and where it came from, so that errors can name the flag, variable or file. */
interface Sourced<T> {
  readonly value: T;
  readonly source: string;
  /** The folder a relative SQLite path in `value` is relative to. */
  readonly baseDir: string;
}

/** The settings one config file gives. */
interface ConfigFileSettings {
  readonly file: string;
  readonly dialect?: DialectName;
  readonly url?: string;
  readonly stream?: string;
  readonly dir?: string;
  readonly lockTimeoutMs?: number;
  readonly ddl?: DdlSettings;
  readonly drizzle?: DrizzleSchemaSettings;
  readonly safety?: SafetyMode;
  readonly transaction?: TransactionMode;
}

/**
 * Resolves a stream's settings (synchronously) from, in order of precedence:
 *
 * 1. the flags (`options`);
 * 2. for the URL only, the `STRATA_DATABASE_URL` environment variable: it overrides the config files
 *    but not `--url`, so a deployment can point an unchanged project at another database;
 * 3. the project's `drizzle.config.{ts,mts,js,mjs,cjs}` for the dialect and the URL
 *    (`dbCredentials.url`, or for PostgreSQL and MySQL `{ host, port, user, password, database, ssl }`,
 *    turned into a URL with every part percent-encoded). It is compiled in-process with `drizzle-kit`
 *    replaced by a stand-in `defineConfig`, so drizzle-kit itself is never loaded. Its `out` is the
 *    revisions folder (relative to the config's folder); `tablesFilter`, `schemaFilter` and `migrations`
 *    are refused ({@link ConfigUnsupportedSettingError}) rather than silently not followed;
 * 4. the project's `strata.config.{ts,mts,js,mjs,json}`, `{ stream?, dir?, dialect?, url?, lockTimeoutMs? }`,
 *    for streams without a Drizzle schema. Next to a drizzle.config it may not set `dialect` or `url`,
 *    nor `dir` when drizzle.config sets `out` ({@link ConfigDuplicateSettingError}): nothing is configured twice.
 *
 * Defaults: the dialect is inferred from the URL's scheme; the stream name comes from `name` in
 * `project.json`, else package.json's `name` without its scope, else the folder name; the revisions
 * folder is `<cwd>/migrations`; `dir` (flag or config) is relative to `cwd`; the lock timeout is
 * {@link DEFAULT_LOCK_TIMEOUT_MS}.
 *
 * A relative SQLite path (`./app.db` or `file:./app.db`) in a config file is relative to that config
 * file's folder, wherever the command runs from; in `--url` or `STRATA_DATABASE_URL` it is relative to
 * `cwd`. SQLite URLs come back as absolute `file:///…` URLs.
 *
 * Throws a `StrataError` with a `CONFIG_` code (see `config/errors.ts`) naming the file or flag at fault,
 * or the loader's error when a config module fails to compile or evaluate. URLs in messages are redacted.
 *
 * @example
 * ```ts
 * import { resolveStreamSettings } from '@strata/engine';
 * const settings = resolveStreamSettings({ cwd: 'apps/billing', requireUrl: true });
 * console.log(settings.name, settings.dialect, settings.revisionsDir);
 * ```
 */
export function resolveStreamSettings(options: ResolveStreamSettingsOptions & { requireUrl: false }): StreamLayout;
export function resolveStreamSettings(options: ResolveStreamSettingsOptions): StreamSettings;
export function resolveStreamSettings(options: ResolveStreamSettingsOptions): StreamLayout {
  const projectDir = resolve(options.cwd);
  // One loader for both files, so a helper module they share is evaluated once.
  const loader = new TsModuleLoader({ 'drizzle-kit': { defineConfig: (config: unknown) => config } });
  const drizzleFile = findConfigFile(projectDir, DRIZZLE_CONFIG_NAMES, options.drizzleConfig, '--drizzle-config');
  const strataFile = findConfigFile(projectDir, STRATA_CONFIG_NAMES, options.config, '--config');
  const drizzle = drizzleFile === undefined ? undefined : readDrizzleConfig(drizzleFile, loader);
  const strata = strataFile === undefined ? undefined : readStrataConfig(strataFile, loader);
  loader.flush();
  if (drizzle && strata) {
    for (const setting of ['dialect', 'url'] as const) {
      if (strata[setting] !== undefined) throw new ConfigDuplicateSettingError(setting, strata.file, drizzle.file);
    }
    if (drizzle.dir !== undefined && strata.dir !== undefined) throw new ConfigDuplicateSettingError('dir', strata.file, drizzle.file, 'out');
  }
  const configFiles = [drizzle, strata].filter((c) => c !== undefined).map((c) => c.file);

  const envUrl = process.env[DATABASE_URL_ENV];
  const url = first<string>(
    options.url ? { value: options.url, source: '--url', baseDir: projectDir } : undefined,
    envUrl ? { value: envUrl, source: DATABASE_URL_ENV, baseDir: projectDir } : undefined,
    fromFile(drizzle, 'url'),
    fromFile(strata, 'url'),
  );
  if (options.dialect !== undefined) checkDialect(options.dialect, '--dialect');
  const explicitDialect = first<DialectName>(
    options.dialect ? { value: options.dialect, source: '--dialect', baseDir: projectDir } : undefined,
    fromFile(drizzle, 'dialect'),
    fromFile(strata, 'dialect'),
  );
  const urlDialect = url === undefined ? undefined : dialectFromUrl(url.value);
  // A config file's dialect goes with that file's URL: a URL from --url or the environment that names
  // another dialect replaces both (running the same stream on PostgreSQL needs only the URL).
  const urlReplacesFileDialect =
    explicitDialect !== undefined && explicitDialect.source !== '--dialect' && (url?.source === '--url' || url?.source === DATABASE_URL_ENV);
  if (explicitDialect && url && urlDialect && urlDialect !== explicitDialect.value && !urlReplacesFileDialect) {
    throw new ConfigDialectMismatchError(explicitDialect.value, explicitDialect.source, url.value, url.source, urlDialect);
  }
  // A missing URL is reported first: giving one also settles the dialect.
  if (url === undefined && options.requireUrl !== false) throw new ConfigMissingUrlError(projectDir, configFiles);
  const dialect = (urlReplacesFileDialect ? urlDialect : undefined) ?? explicitDialect?.value ?? urlDialect;
  if (dialect === undefined && options.requireUrl !== false) throw new ConfigMissingDialectError(projectDir, configFiles);

  const lockTimeoutMs = options.lockTimeoutMs ?? strata?.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  if (!isMilliseconds(lockTimeoutMs)) {
    throw new ConfigInvalidError('the lockTimeoutMs option', `${lockTimeoutMs} is not a whole, non-negative number of milliseconds`);
  }
  const ddl = { ...strata?.ddl, ...options.ddl };
  for (const [key, value] of Object.entries(ddl)) {
    if (!isMilliseconds(value)) throw new ConfigInvalidError(`the ${key} option`, `${String(value)} is not a whole, non-negative number`);
  }
  const safety = options.safety ?? strata?.safety;
  const transaction = options.transaction ?? strata?.transaction;
  return {
    name: streamName(projectDir, options.stream, strata),
    ...(dialect === undefined ? {} : { dialect }),
    ...(url === undefined ? {} : { url: dialect === undefined ? url.value : absoluteDatabaseUrl(url.value, dialect, url.baseDir) }),
    // drizzle.config's `out` is relative to its own folder, as drizzle-kit reads it.
    revisionsDir: options.dir !== undefined ? resolve(projectDir, options.dir) : drizzle?.dir !== undefined ? resolve(dirname(drizzle.file), drizzle.dir) : resolve(projectDir, strata?.dir ?? 'migrations'),
    projectDir,
    lockTimeoutMs,
    ...(Object.keys(ddl).length > 0 ? { ddl } : {}),
    configFiles,
    ...(drizzle?.drizzle === undefined ? {} : { drizzle: drizzle.drizzle }),
    ...(safety === undefined ? {} : { safety }),
    ...(transaction === undefined ? {} : { transaction }),
  };
}

function first<T>(...candidates: (Sourced<T> | undefined)[]): Sourced<T> | undefined {
  return candidates.find((c) => c !== undefined);
}

function fromFile<K extends 'url' | 'dialect'>(
  config: ConfigFileSettings | undefined,
  key: K,
): Sourced<NonNullable<ConfigFileSettings[K]>> | undefined {
  const value = config?.[key];
  if (config === undefined || value === undefined) return undefined;
  return { value: value as NonNullable<ConfigFileSettings[K]>, source: config.file, baseDir: dirname(config.file) };
}

/** The one config file of a kind: the one named by a flag, else the single candidate present in `dir`. */
function findConfigFile(dir: string, names: readonly string[], explicit: string | undefined, flag: string): string | undefined {
  if (explicit !== undefined) {
    const file = resolve(dir, explicit);
    if (!existsSync(file)) throw new ConfigFileNotFoundError(file, flag);
    return file;
  }
  const present = names.map((name) => join(dir, name)).filter((file) => existsSync(file));
  if (present.length > 1) throw new ConfigAmbiguousFileError(present);
  return present[0];
}

/** A config module's exported object (`export default`, or `module.exports`), or a JSON file's object. */
function loadConfigObject(file: string, loader: TsModuleLoader): Record<string, unknown> {
  let value: unknown;
  if (extname(file) === '.json') {
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigInvalidError(file, `it is not valid JSON (${(error as Error).message})`, undefined, error);
    }
  } else {
    const exported = loader.load(file);
    if (isObject(exported) && exported.__esModule === true && !('default' in exported)) {
      // ES module syntax compiled to CommonJS marks `__esModule`; without a default export, the named
      // exports are not the config.
      throw new ConfigInvalidError(file, 'it has no default export (write `export default defineConfig({ ... })`)');
    }
    value = isObject(exported) && 'default' in exported ? exported.default : exported;
  }
  if (!isObject(value) || Array.isArray(value)) {
    throw new ConfigInvalidError(file, 'it must export an object (`export default { ... }`)');
  }
  return value;
}

function readDrizzleConfig(file: string, loader: TsModuleLoader): ConfigFileSettings {
  const config = loadConfigObject(file, loader);
  if (config.dialect === undefined) {
    throw new ConfigInvalidError(file, '`dialect` is missing', `Set \`dialect: 'postgresql' | 'mysql' | 'sqlite'\` in ${file}.`);
  }
  const dialect = checkDialect(config.dialect, file);
  if (config.driver !== undefined) throw new ConfigUnsupportedDriverError(String(config.driver), file);
  for (const [key, instead] of Object.entries(REFUSED_DRIZZLE_KEYS)) {
    if (config[key] !== undefined) throw new ConfigUnsupportedSettingError(key, file, instead);
  }
  const { out } = config;
  if (out !== undefined && (typeof out !== 'string' || out === '')) throw new ConfigInvalidError(file, '`out` must be a non-empty path');
  const schema = drizzleSchema(file, config);
  return {
    ...readDrizzleCredentials(file, dialect, config),
    ...(schema === undefined ? {} : { drizzle: schema }),
    ...(out === undefined ? {} : { dir: out as string }),
  };
}

/** `schema` and `casing` of a drizzle.config; undefined when it sets no `schema`. */
function drizzleSchema(file: string, config: Record<string, unknown>): DrizzleSchemaSettings | undefined {
  const { schema, casing } = config;
  if (casing !== undefined && casing !== 'snake_case' && casing !== 'camelCase') {
    throw new ConfigInvalidError(file, '`casing` must be "snake_case" or "camelCase"');
  }
  if (schema === undefined) return undefined;
  const patterns = typeof schema === 'string' ? [schema] : schema;
  if (!Array.isArray(patterns) || patterns.length === 0 || !patterns.every((p): p is string => typeof p === 'string' && p !== '')) {
    throw new ConfigInvalidError(file, '`schema` must be a path or glob, or a non-empty array of them');
  }
  const schemaFiles = [...new Set(patterns.flatMap((pattern) => schemaFilesOf(pattern, dirname(file))))];
  return { schemaFiles, ...(casing === undefined ? {} : { casing }) };
}

/** The module extensions drizzle-kit loads schema files with. */
const SCHEMA_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** One `schema` entry's files: a glob's matches, a folder's files, or the path itself. */
function schemaFilesOf(pattern: string, baseDir: string): string[] {
  const absolute = resolve(baseDir, pattern);
  const isGlob = /[*?]/.test(pattern);
  const matches = isGlob ? globPaths(pattern, baseDir) : [absolute];
  return matches.flatMap((path) => {
    if (!isDirectory(path)) return isGlob && !SCHEMA_EXTENSIONS.includes(extname(path)) ? [] : [path];
    return readdirSync(path)
      .sort()
      .map((name) => join(path, name))
      .filter((child) => !isDirectory(child) && SCHEMA_EXTENSIONS.includes(extname(child)));
  });
}

/**
 * The absolute paths `pattern` matches from `baseDir`, sorted. Always {@link simpleGlob}, not Node's
 * `fs.globSync`: Node 20 has none, and Node 22 before 22.17 prints an ExperimentalWarning for it, which
 * would land in every command's output; one implementation also matches the same files on every version.
 */
function globPaths(pattern: string, baseDir: string): string[] {
  return [...new Set(simpleGlob(pattern, baseDir))].sort();
}

/**
 * @internal A minimal glob, enough for drizzle.config's `schema`: `*` and `?` within one path segment, `**` for any number of
 * folders. Names starting with `.` match only a segment that starts with `.`, as in shells.
 */
export function simpleGlob(pattern: string, baseDir: string): string[] {
  const segments = resolve(baseDir, pattern).split(sep);
  const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
  if (firstWild === -1) return existsSync(segments.join(sep)) ? [segments.join(sep)] : [];
  const results: string[] = [];
  const walk = (dir: string, index: number): void => {
    if (index === segments.length) {
      results.push(dir);
      return;
    }
    const segment = segments[index] as string;
    if (segment === '**') {
      walk(dir, index + 1);
      for (const entry of entriesOf(dir)) {
        if (entry.isDirectory() && !entry.name.startsWith('.')) walk(join(dir, entry.name), index);
      }
      return;
    }
    if (!/[*?]/.test(segment)) {
      const next = join(dir, segment);
      if (existsSync(next)) walk(next, index + 1);
      return;
    }
    const matcher = new RegExp(`^${segment.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`);
    for (const entry of entriesOf(dir)) {
      if (entry.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (matcher.test(entry.name) && (index === segments.length - 1 || entry.isDirectory())) walk(join(dir, entry.name), index + 1);
    }
  };
  walk(segments.slice(0, firstWild).join(sep) || sep, firstWild);
  return results;
}

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The dialect and URL of a drizzle.config (from `dbCredentials`). */
function readDrizzleCredentials(file: string, dialect: DialectName, config: Record<string, unknown>): ConfigFileSettings {
  const credentials = config.dbCredentials;
  if (credentials === undefined) return { file, dialect };
  if (!isObject(credentials)) throw new ConfigInvalidError(file, '`dbCredentials` must be an object');
  if ('url' in credentials) {
    const url = credentials.url;
    // `url: process.env.DATABASE_URL!` with the variable unset or empty: treated as no URL, so that the
    // error names every place a URL can come from.
    if (url === undefined || url === '') return { file, dialect };
    if (typeof url !== 'string') throw new ConfigInvalidError(file, '`dbCredentials.url` must be a string');
    return { file, dialect, url };
  }
  if (!takesHostCredentials(dialect) || credentials.host === undefined) {
    throw new ConfigInvalidError(
      file,
      takesHostCredentials(dialect) ? '`dbCredentials` needs `url` or `host`' : '`dbCredentials.url` is missing',
      `Set \`dbCredentials.url\` in ${file}, or remove \`dbCredentials\` and pass --url.`,
    );
  }
  const url = hostCredentialsUrl(dialect, credentials);
  if (typeof url !== 'string') throw new ConfigInvalidError(file, url.problem, url.hint);
  return { file, dialect, url };
}

function readStrataConfig(file: string, loader: TsModuleLoader): ConfigFileSettings {
  const config = loadConfigObject(file, loader);
  const unknown = Object.keys(config).filter((key) => !(STRATA_CONFIG_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    throw new ConfigInvalidError(
      file,
      `unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((key) => `\`${key}\``).join(', ')}`,
      `strata.config accepts ${STRATA_CONFIG_KEYS.join(', ')}.`,
    );
  }
  const string = (key: 'stream' | 'dir' | 'url'): string | undefined => {
    const value = config[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new ConfigInvalidError(file, `\`${key}\` must be a non-empty string`);
    return value;
  };
  const stream = string('stream');
  const dir = string('dir');
  const url = string('url');
  const dialect = config.dialect === undefined ? undefined : checkDialect(config.dialect, file);
  const lockTimeoutMs = config.lockTimeoutMs;
  if (lockTimeoutMs !== undefined && !isMilliseconds(lockTimeoutMs)) {
    throw new ConfigInvalidError(file, '`lockTimeoutMs` must be a whole, non-negative number of milliseconds');
  }
  const safety = config.safety;
  if (safety !== undefined && !(SAFETY_MODES as readonly unknown[]).includes(safety)) {
    throw new ConfigInvalidError(file, `\`safety\` must be one of ${SAFETY_MODES.map((mode) => `"${mode}"`).join(', ')}`);
  }
  const transaction = config.transaction;
  if (transaction !== undefined && !(TRANSACTION_MODES as readonly unknown[]).includes(transaction)) {
    throw new ConfigInvalidError(file, `\`transaction\` must be one of ${TRANSACTION_MODES.map((mode) => `"${mode}"`).join(', ')}`);
  }
  const ddl: { -readonly [K in keyof DdlSettings]: number } = {};
  for (const [key, setting] of [['ddlLockTimeoutMs', 'lockTimeoutMs'], ['statementTimeoutMs', 'statementTimeoutMs'], ['ddlLockRetries', 'lockRetries']] as const) {
    const value = config[key];
    if (value === undefined) continue;
    if (!isMilliseconds(value)) throw new ConfigInvalidError(file, `\`${key}\` must be a whole, non-negative number`);
    ddl[setting] = value;
  }
  return {
    file,
    ...(stream === undefined ? {} : { stream }),
    ...(dir === undefined ? {} : { dir }),
    ...(url === undefined ? {} : { url }),
    ...(dialect === undefined ? {} : { dialect }),
    ...(lockTimeoutMs === undefined ? {} : { lockTimeoutMs: lockTimeoutMs as number }),
    ...(Object.keys(ddl).length > 0 ? { ddl } : {}),
    ...(safety === undefined ? {} : { safety: safety as SafetyMode }),
    ...(transaction === undefined ? {} : { transaction: transaction as TransactionMode }),
  };
}

function checkDialect(value: unknown, source: string): DialectName {
  if (typeof value === 'string' && (DIALECT_NAMES as readonly string[]).includes(value)) return value as DialectName;
  const shown = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  if (typeof value === 'string' && !UNSUPPORTED_DRIZZLE_DIALECTS.includes(value) && source !== '--dialect') {
    // A typo (`postgres`, `sqlite3`) reads better as an invalid value than as an unsupported database.
    throw new ConfigInvalidError(source, `\`dialect\` is "${shown}"`, `Use dialect "postgresql", "mysql" or "sqlite" in ${source}.`);
  }
  throw new ConfigUnsupportedDialectError(shown, source);
}

function streamName(projectDir: string, option: string | undefined, strata: ConfigFileSettings | undefined): string {
  const [name, source] =
    option !== undefined
      ? [option, '--stream']
      : strata?.stream !== undefined
        ? [strata.stream, strata.file]
        : (manifestName(projectDir) ?? [basename(projectDir), `the folder name of ${projectDir}`]);
  if (!STREAM_NAME_PATTERN.test(name)) throw new ConfigInvalidStreamNameError(name, source);
  return name;
}

/** The project name from project.json (Nx), else from package.json without its `@scope/`. */
function manifestName(projectDir: string): [string, string] | undefined {
  for (const manifest of ['project.json', 'package.json']) {
    const file = join(projectDir, manifest);
    if (!existsSync(file)) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigInvalidError(file, `it is not valid JSON (${(error as Error).message})`, undefined, error);
    }
    const name = isObject(parsed) ? parsed.name : undefined;
    if (typeof name === 'string' && name !== '') return [name.replace(/^@[^/]+\//, ''), file];
  }
  return undefined;
}

function isMilliseconds(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
