import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { DRIZZLE_CONFIG_NAMES, STRATA_CONFIG_NAMES } from '../config/config-files.js';
import { StrataError } from '../errors.js';
import type { Output } from '../report/output.js';

/** What {@link initCommand} sets up. */
export interface InitCommandOptions {
  /** The project folder. */
  readonly projectDir: string;
  /** The revisions folder, relative to the project folder (default: `migrations`); recorded in strata.config.json. */
  readonly dir?: string;
  /** The stream name to record (default: the project name). */
  readonly stream?: string;
  /** The database URL to record (only without a drizzle.config). */
  readonly url?: string;
  /** The dialect to record (only without a drizzle.config; default: from the URL). */
  readonly dialect?: string;
}

/** What {@link initCommand} did. */
export interface InitCommandResult {
  /** The revisions folder, absolute. */
  readonly folder: string;
  /** The file that configures the stream: an existing strata.config or drizzle.config, or the strata.config.json written. */
  readonly configFile: string;
  /** What was created (the folder, strata.config.json), absolute; empty when everything was there. */
  readonly written: readonly string[];
}

/**
 * `strata init --url` or `--dialect` in a project whose drizzle.config already gives them.
 *
 * @example
 * ```ts
 * import { InitDuplicateSettingError } from '@strata/engine';
 * new InitDuplicateSettingError('/repo/apps/billing/drizzle.config.ts').code; // CLI_INIT_DUPLICATE_SETTING
 * ```
 */
export class InitDuplicateSettingError extends StrataError {
  static readonly CODE = 'CLI_INIT_DUPLICATE_SETTING';
  constructor(file: string) {
    super(InitDuplicateSettingError.CODE, `${file} already gives the dialect and URL; strata does not record them twice.`, {
      hint: 'Run `strata init` without --url and --dialect, or change them in the drizzle config.',
      details: { file },
    });
  }
}

/**
 * `strata init`: starts a stream in `projectDir`. Creates the revisions folder; without a
 * drizzle.config (or with a stream name or folder to record) writes strata.config.json with the
 * settings given, so the stream is configured once. Running it again changes nothing.
 *
 * @example
 * ```ts
 * import { initCommand, Output } from '@strata/engine';
 * initCommand(new Output({ json: false }), { projectDir: 'apps/billing', dialect: 'sqlite', url: 'file:billing.db' });
 * ```
 */
export function initCommand(out: Output, options: InitCommandOptions): InitCommandResult {
  const project = resolve(options.projectDir);
  const folder = resolve(project, options.dir ?? 'migrations');
  const drizzle = DRIZZLE_CONFIG_NAMES.find((name) => existsSync(join(project, name)));
  const existing = STRATA_CONFIG_NAMES.find((name) => existsSync(join(project, name)));
  const settings = {
    ...(options.stream ? { stream: options.stream } : {}),
    ...(options.dir ? { dir: relative(project, folder) || '.' } : {}),
    ...(options.dialect ? { dialect: options.dialect } : {}),
    ...(options.url ? { url: options.url } : {}),
  };
  if (drizzle && (settings.url || settings.dialect)) throw new InitDuplicateSettingError(join(project, drizzle));
  const written: string[] = [];
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true });
    written.push(folder);
  }
  if (!existing && (!drizzle || settings.stream !== undefined || settings.dir !== undefined)) {
    const file = join(project, 'strata.config.json');
    writeFileSync(file, JSON.stringify(settings, null, 2) + '\n');
    written.push(file);
  }
  const result: InitCommandResult = { folder, configFile: join(project, existing ?? drizzle ?? 'strata.config.json'), written };
  out.result(result, () => {
    if (written.length === 0) out.line(`Already initialised: ${folder} exists${existing ? ` and ${existing} configures the stream` : ''}.`);
    for (const path of written) out.line(`Created ${path}`);
    if (written.length > 0) out.line(`Next: \`strata revision -m "first revision"\`${!drizzle && !settings.url ? ', after adding "url" to strata.config.json (or pass --url)' : ''}.`);
  });
  return result;
}
