import { isAbsolute, join, resolve } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import type { DialectName, ResolveStreamSettingsOptions, TransactionMode } from '@strata/engine';

/** The options every Strata executor takes: where the stream is and which database it migrates. */
export interface StreamExecutorOptions {
  /** The project folder, relative to the workspace root (the inferred targets pass `{projectRoot}`). */
  cwd?: string;
  /** A strata.config file to use instead of the one in `cwd` (relative to `cwd`). */
  config?: string;
  /** A drizzle.config file to use instead of the one in `cwd` (relative to `cwd`). */
  drizzleConfig?: string;
  /** The stream name (default: the project name, or strata.config's `stream`). */
  stream?: string;
  /** The revisions folder, relative to `cwd` (default `migrations`). */
  dir?: string;
  /** The database URL; overrides STRATA_DATABASE_URL and the config files. */
  url?: string;
  /** `postgresql`, `mysql` or `sqlite` (default: from the config or the URL). */
  dialect?: DialectName;
  /** How long to wait for another runner's lock, in milliseconds. */
  lockTimeoutMs?: number;
  /** How long each statement of a revision waits for a table lock, in milliseconds (not the runners' lock). */
  ddlLockTimeoutMs?: number;
  /** How long each statement of a revision may run, in milliseconds. */
  statementTimeoutMs?: number;
  /** How often a revision that failed on the DDL lock timeout is run again. */
  ddlLockRetries?: number;
  /** One transaction per revision (`revision`, the default) or for the whole run (`run`; PostgreSQL and SQLite). */
  transaction?: TransactionMode;
  /** Print one JSON document instead of text. */
  json?: boolean;
  /** Write the JSON document (`json`) or the script (`sql`) to this file instead of stdout (relative to the workspace root). */
  outputFile?: string;
}

/** The project folder, absolute: `cwd` from the workspace root, else the project's root. */
export function projectDirectory(options: Pick<StreamExecutorOptions, 'cwd'>, context: Pick<ExecutorContext, 'root' | 'projectName' | 'projectsConfigurations'>): string {
  const cwd = options.cwd ?? projectRootOf(context);
  return isAbsolute(cwd) ? cwd : resolve(context.root, cwd);
}

function projectRootOf(context: Pick<ExecutorContext, 'projectName' | 'projectsConfigurations'>): string {
  const project = context.projectName ? context.projectsConfigurations?.projects[context.projectName] : undefined;
  if (project === undefined) throw new Error('The Strata executors need a project: run them as a target (nx run <project>:migrate).');
  return project.root;
}

/** The executor's options as the engine's {@link ResolveStreamSettingsOptions}. */
export function toSettingsOptions(options: StreamExecutorOptions, cwd: string): ResolveStreamSettingsOptions {
  return {
    cwd,
    ...(options.config ? { config: options.config } : {}),
    ...(options.drizzleConfig ? { drizzleConfig: options.drizzleConfig } : {}),
    ...(options.stream ? { stream: options.stream } : {}),
    ...(options.dir ? { dir: options.dir } : {}),
    ...(options.url ? { url: options.url } : {}),
    ...(options.dialect ? { dialect: options.dialect } : {}),
    ...(options.lockTimeoutMs !== undefined ? { lockTimeoutMs: Number(options.lockTimeoutMs) } : {}),
    ...(ddlOf(options) === undefined ? {} : { ddl: ddlOf(options) }),
    ...(options.transaction ? { transaction: options.transaction } : {}),
  };
}

/** The DDL timeout options as the engine's `ddl` settings; undefined when none is given. */
function ddlOf(options: StreamExecutorOptions): ResolveStreamSettingsOptions['ddl'] {
  const ddl = {
    ...(options.ddlLockTimeoutMs !== undefined ? { lockTimeoutMs: Number(options.ddlLockTimeoutMs) } : {}),
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: Number(options.statementTimeoutMs) } : {}),
    ...(options.ddlLockRetries !== undefined ? { lockRetries: Number(options.ddlLockRetries) } : {}),
  };
  return Object.keys(ddl).length > 0 ? ddl : undefined;
}

/**
 * A revision target as the engine takes it. Nx's argument parser turns `--to=+1` and `--to=-1` into
 * numbers; a number is never a revision id (those have 4 to 40 characters, and a digits-only id keeps
 * its quotes in project.json), so it is a relative move: `+N` for upgrade, `-N` for downgrade.
 */
export function toTarget(value: unknown, direction: 'up' | 'down' | 'any'): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') {
    if (direction === 'down') return `-${Math.abs(value)}`;
    return value < 0 ? String(value) : `+${value}`;
  }
  return String(value);
}

/** A list option given once (`--to=head`) or several times. */
export function toList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : String(value).split(',')).map((v) => String(v).trim()).filter((v) => v !== '');
}

/** `{projectRoot}` and `{workspaceRoot}` in an option read from another project's target. */
export function interpolate(value: string, projectRoot: string, workspaceRoot: string): string {
  return value.replaceAll('{projectRoot}', projectRoot).replaceAll('{workspaceRoot}', workspaceRoot);
}

/** `root` joined with a workspace-relative path. */
export function fromWorkspace(root: string, path: string): string {
  return isAbsolute(path) ? path : join(root, path);
}
