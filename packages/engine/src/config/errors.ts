import { StrataError } from '../errors.js';
import { redactUrl } from '../dialects/url.js';

/** The three ways to give a stream its database URL, for hints. */
const URL_SOURCES =
  'Pass --url <url>, set the STRATA_DATABASE_URL environment variable, or set dbCredentials.url in drizzle.config.ts ' +
  '(`url` in strata.config.json for a stream without a Drizzle schema).';

/**
 * A config file named explicitly (`--config`, `--drizzle-config`) does not exist.
 *
 * @example
 * ```ts
 * import { ConfigFileNotFoundError } from '@strata/engine';
 * throw new ConfigFileNotFoundError('/repo/apps/billing/drizzle.config.ts', '--drizzle-config');
 * ```
 */
export class ConfigFileNotFoundError extends StrataError {
  static readonly CODE = 'CONFIG_FILE_NOT_FOUND';
  constructor(file: string, givenBy: string) {
    super(ConfigFileNotFoundError.CODE, `The config file ${file} (given by ${givenBy}) does not exist.`, {
      hint: `Check the path passed to ${givenBy}, or leave it out to use the config in the project folder.`,
      details: { file },
    });
  }
}

/**
 * A project folder holds two config files of one kind (`drizzle.config.ts` and `drizzle.config.js`), and
 * guessing which one counts would configure the stream twice.
 *
 * @example
 * ```ts
 * import { ConfigAmbiguousFileError } from '@strata/engine';
 * throw new ConfigAmbiguousFileError(['/repo/drizzle.config.ts', '/repo/drizzle.config.js']);
 * ```
 */
export class ConfigAmbiguousFileError extends StrataError {
  static readonly CODE = 'CONFIG_AMBIGUOUS_FILE';
  constructor(files: readonly string[]) {
    super(ConfigAmbiguousFileError.CODE, `Found several config files of one kind: ${files.join(', ')}.`, {
      hint: 'Delete all but one of them, or name the one to use with --config / --drizzle-config.',
      details: { files: [...files] },
    });
  }
}

/**
 * A config file loaded but holds something Strata cannot use: not an object, an unknown key, a value of
 * the wrong type, malformed JSON, or credentials that cannot be written as a URL.
 *
 * @example
 * ```ts
 * import { ConfigInvalidError } from '@strata/engine';
 * throw new ConfigInvalidError('/repo/strata.config.json', '`lockTimeoutMs` must be a whole number of milliseconds');
 * ```
 */
export class ConfigInvalidError extends StrataError {
  static readonly CODE = 'CONFIG_INVALID';
  constructor(file: string, problem: string, hint?: string, cause?: unknown) {
    super(ConfigInvalidError.CODE, `Invalid config in ${file}: ${problem}.`, {
      hint: hint ?? `Fix ${file}, then run the command again.`,
      details: { file },
      cause,
    });
  }
}

/**
 * The dialect named by a config file or `--dialect` is not one Strata speaks (drizzle-kit's `turso`,
 * `singlestore` and `gel`, or a typo).
 *
 * @example
 * ```ts
 * import { ConfigUnsupportedDialectError } from '@strata/engine';
 * throw new ConfigUnsupportedDialectError('turso', '/repo/drizzle.config.ts');
 * ```
 */
export class ConfigUnsupportedDialectError extends StrataError {
  static readonly CODE = 'CONFIG_UNSUPPORTED_DIALECT';
  constructor(dialect: string, source: string) {
    super(
      ConfigUnsupportedDialectError.CODE,
      `The dialect "${dialect}" set in ${source} is not supported: Strata migrates postgresql, mysql (and MariaDB) and sqlite databases.`,
      {
        hint: 'Use dialect "postgresql", "mysql" or "sqlite"; Turso/libSQL, SingleStore and Gel databases cannot be migrated by Strata.',
        details: { dialect, source },
      },
    );
  }
}

/**
 * drizzle.config sets a `driver` (`pglite`, `aws-data-api`, `d1-http`, `expo`, `durable-sqlite`): those
 * reach the database through an HTTP API or an embedded engine, not through a URL that pg, mysql2 or
 * better-sqlite3 can open.
 *
 * @example
 * ```ts
 * import { ConfigUnsupportedDriverError } from '@strata/engine';
 * throw new ConfigUnsupportedDriverError('d1-http', '/repo/drizzle.config.ts');
 * ```
 */
export class ConfigUnsupportedDriverError extends StrataError {
  static readonly CODE = 'CONFIG_UNSUPPORTED_DRIVER';
  constructor(driver: string, file: string) {
    super(ConfigUnsupportedDriverError.CODE, `The driver "${driver}" set in ${file} is not supported: Strata connects with a database URL.`, {
      hint: `Pass the database URL with --url or STRATA_DATABASE_URL, or point --drizzle-config at a config without \`driver\`.`,
      details: { driver, file },
    });
  }
}

/**
 * strata.config sets the dialect or the URL while a drizzle.config exists, which already says both:
 * the stream would be configured twice.
 *
 * @example
 * ```ts
 * import { ConfigDuplicateSettingError } from '@strata/engine';
 * throw new ConfigDuplicateSettingError('url', '/repo/strata.config.json', '/repo/drizzle.config.ts');
 * ```
 */
export class ConfigDuplicateSettingError extends StrataError {
  static readonly CODE = 'CONFIG_DUPLICATE_SETTING';
  /** `drizzleKey`: the drizzle.config key that already says it (`out` for `dir`; default: the dialect and URL). */
  constructor(setting: string, strataConfig: string, drizzleConfig: string, drizzleKey?: string) {
    super(
      ConfigDuplicateSettingError.CODE,
      drizzleKey === undefined
        ? `\`${setting}\` is set in ${strataConfig}, but ${drizzleConfig} already gives the stream its dialect and URL.`
        : `\`${setting}\` is set in ${strataConfig}, but ${drizzleConfig} already sets it as \`${drizzleKey}\`.`,
      {
        hint:
          drizzleKey === undefined
            ? `Remove \`${setting}\` from ${strataConfig}: with a drizzle.config, strata.config only sets stream, dir and lockTimeoutMs.`
            : `Keep one of them: remove \`${setting}\` from ${strataConfig}, or \`${drizzleKey}\` from ${drizzleConfig}.`,
        details: { setting, strataConfig, drizzleConfig, ...(drizzleKey === undefined ? {} : { drizzleKey }) },
      },
    );
  }
}

/**
 * drizzle.config sets a drizzle-kit option that Strata does not follow (`tablesFilter`, `schemaFilter`,
 * `migrations`): run silently without it, Strata would do something else than the config says.
 *
 * @example
 * ```ts
 * import { ConfigUnsupportedSettingError } from '@strata/engine';
 * throw new ConfigUnsupportedSettingError('tablesFilter', '/repo/drizzle.config.ts', 'Narrow `schema` to the stream\'s files.');
 * ```
 */
export class ConfigUnsupportedSettingError extends StrataError {
  static readonly CODE = 'CONFIG_UNSUPPORTED_SETTING';
  constructor(setting: string, file: string, instead: string) {
    super(ConfigUnsupportedSettingError.CODE, `\`${setting}\` in ${file} is a drizzle-kit setting Strata does not follow.`, {
      hint: `${instead} Then remove \`${setting}\` from ${file} (a config drizzle-kit alone reads can keep it: point Strata at another one with --drizzle-config).`,
      details: { setting, file },
    });
  }
}

/**
 * The dialect (from `--dialect` or a config file) disagrees with the scheme of the database URL.
 *
 * @example
 * ```ts
 * import { ConfigDialectMismatchError } from '@strata/engine';
 * throw new ConfigDialectMismatchError('mysql', '--dialect', 'postgres://app:pw@db/app', '--url', 'postgresql');
 * ```
 */
export class ConfigDialectMismatchError extends StrataError {
  static readonly CODE = 'CONFIG_DIALECT_MISMATCH';
  constructor(dialect: string, dialectSource: string, url: string, urlSource: string, urlDialect: string) {
    const shown = redactUrl(url);
    super(
      ConfigDialectMismatchError.CODE,
      `The dialect "${dialect}" (from ${dialectSource}) does not match the URL ${shown} (from ${urlSource}), which is a ${urlDialect} URL.`,
      {
        hint: `Make them agree: change the dialect in ${dialectSource} or the URL in ${urlSource}.`,
        details: { dialect, dialectSource, url: shown, urlSource, urlDialect },
      },
    );
  }
}

/**
 * The command needs a database and none of the places a URL can come from gives one.
 *
 * @example
 * ```ts
 * import { ConfigMissingUrlError } from '@strata/engine';
 * throw new ConfigMissingUrlError('/repo/apps/billing', ['/repo/apps/billing/strata.config.json']);
 * ```
 */
export class ConfigMissingUrlError extends StrataError {
  static readonly CODE = 'CONFIG_MISSING_URL';
  constructor(projectDir: string, configFiles: readonly string[]) {
    const read = configFiles.length > 0 ? `none of ${configFiles.join(', ')} sets one` : `no drizzle.config or strata.config in ${projectDir}`;
    super(ConfigMissingUrlError.CODE, `No database URL for the stream in ${projectDir}: ${read}, and --url and STRATA_DATABASE_URL are not set.`, {
      hint: URL_SOURCES,
      details: { projectDir, configFiles: [...configFiles] },
    });
  }
}

/**
 * Nothing says which dialect the stream uses: no `--dialect`, no dialect in a config file, and no URL to
 * infer it from.
 *
 * @example
 * ```ts
 * import { ConfigMissingDialectError } from '@strata/engine';
 * throw new ConfigMissingDialectError('/repo/migrations', []);
 * ```
 */
export class ConfigMissingDialectError extends StrataError {
  static readonly CODE = 'CONFIG_MISSING_DIALECT';
  constructor(projectDir: string, configFiles: readonly string[]) {
    const read = configFiles.length > 0 ? `none of ${configFiles.join(', ')} sets one` : `no drizzle.config or strata.config in ${projectDir}`;
    super(ConfigMissingDialectError.CODE, `No dialect for the stream in ${projectDir}: ${read}, and the database URL's scheme names none.`, {
      hint: 'Use a URL starting with postgres://, mysql:// or file:, pass --dialect postgresql|mysql|sqlite, or set `dialect` in drizzle.config.ts or strata.config.json.',
      details: { projectDir, configFiles: [...configFiles] },
    });
  }
}

/**
 * The stream name (from `--stream`, strata.config, project.json, package.json or the folder name) is not
 * a valid stream name.
 *
 * @example
 * ```ts
 * import { ConfigInvalidStreamNameError } from '@strata/engine';
 * throw new ConfigInvalidStreamNameError('my app', 'the folder name of /repo/my app');
 * ```
 */
export class ConfigInvalidStreamNameError extends StrataError {
  static readonly CODE = 'CONFIG_INVALID_STREAM_NAME';
  constructor(name: string, source: string) {
    super(
      ConfigInvalidStreamNameError.CODE,
      `The stream name "${name}" (from ${source}) is invalid: use letters, digits, ".", "_" and "-", starting with a letter or digit.`,
      {
        hint: 'Pass a valid name with --stream, or set `stream` in strata.config.json.',
        details: { name, source },
      },
    );
  }
}
