import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveStreamSettings, TRANSACTION_MODES, type ResolveStreamSettingsOptions, type StreamLayout, type StreamSettings, type TransactionMode } from '../config/stream-settings.js';
import { DIALECT_NAMES, type DialectName } from '../dialects/dialect.js';
import { loadRevisions } from '../revision/load-revisions.js';
import { RevisionGraph } from '../revision/revision-graph.js';
import type { CommandInput, OptionSpecs } from './command.js';
import { UsageError } from './errors.js';

/** The options every command that works on a stream accepts. */
export const STREAM_OPTIONS: OptionSpecs = {
  cwd: { type: 'string', valueName: 'DIR', description: 'The project folder (default: the current folder).' },
  config: { type: 'string', valueName: 'FILE', description: 'A strata.config.{ts,js,json} file (default: the one in the project folder).' },
  'drizzle-config': { type: 'string', valueName: 'FILE', description: 'The drizzle.config.* to read the dialect and URL from (default: the one in the project folder).' },
  stream: { type: 'string', valueName: 'NAME', description: 'The stream name (default: the project name).' },
  dir: { type: 'string', valueName: 'DIR', description: 'The revisions folder (default: migrations/ in the project folder).' },
  url: { type: 'string', valueName: 'URL', description: 'The database URL: postgres://…, mysql://…, file:path for SQLite. Overrides STRATA_DATABASE_URL and the config.' },
  dialect: { type: 'string', valueName: 'NAME', description: 'postgresql, mysql or sqlite (default: from the config or the URL).' },
  'lock-timeout': { type: 'string', valueName: 'MS', description: 'How long to wait for another runner\'s lock (on SQLite also for another process\'s lock on the file), in milliseconds (default 60000). Not the wait for a table lock: see --ddl-lock-timeout.' },
};

/**
 * The DDL timeout flags of `upgrade` and `downgrade`: the server's locks on the tables a revision
 * changes, which `--lock-timeout` (Strata's own lock between runners) does not cover.
 */
export const DDL_OPTIONS: OptionSpecs = {
  'ddl-lock-timeout': {
    type: 'string',
    valueName: 'MS',
    description:
      'How long each statement of a revision waits for a table lock before it fails: PostgreSQL lock_timeout, MySQL lock_wait_timeout (rounded up to seconds), SQLite busy_timeout (default: the server\'s, usually no limit). A revision\'s lockTimeout wins.',
  },
  'statement-timeout': {
    type: 'string',
    valueName: 'MS',
    description: 'How long each statement of a revision may run: PostgreSQL statement_timeout, MariaDB max_statement_time. A revision\'s statementTimeout wins.',
  },
  'ddl-lock-retries': {
    type: 'string',
    valueName: 'N',
    description: 'Run a revision that failed on the DDL lock timeout again, up to N times, with a doubling pause from 0.5 s (default 0). Only a rolled-back revision, or on MySQL one that failed at its first statement.',
  },
};

/** `upgrade` and `downgrade`'s choice of one transaction per revision or per run (see `TransactionMode`). */
export const TRANSACTION_OPTIONS: OptionSpecs = {
  transaction: {
    type: 'string',
    valueName: 'MODE',
    description:
      'revision (default): one transaction per revision, a failure rolls back that revision alone; run: one transaction for the whole run, a failure rolls back every revision of the run. PostgreSQL and SQLite only: MySQL/MariaDB commit each DDL statement, so run warns (RUNNER_RUN_TRANSACTION_UNSUPPORTED) and runs per revision. Overrides strata.config\'s transaction.',
  },
};

/** Resolves the stream's settings, database included, from the flags and the project's config files. */
export function streamSettings(input: CommandInput): StreamSettings {
  return resolveStreamSettings({ ...settingsOptions(input), requireUrl: true });
}

/** Resolves the stream's name and folders, for commands that never connect (no URL needed). */
export function streamLayout(input: CommandInput): StreamLayout {
  return resolveStreamSettings({ ...settingsOptions(input), requireUrl: false });
}

function settingsOptions(input: CommandInput): ResolveStreamSettingsOptions {
  const v = input.values;
  const dialect = v.dialect as string | undefined;
  if (dialect !== undefined && !DIALECT_NAMES.includes(dialect as DialectName)) {
    throw new UsageError(`--dialect must be one of ${DIALECT_NAMES.join(', ')}, not "${dialect}".`);
  }
  const lockTimeout = v['lock-timeout'] as string | undefined;
  if (lockTimeout !== undefined && !/^\d+$/.test(lockTimeout)) {
    throw new UsageError(`--lock-timeout takes a number of milliseconds, not "${lockTimeout}".`);
  }
  const transaction = v.transaction as string | undefined;
  if (transaction !== undefined && !(TRANSACTION_MODES as readonly string[]).includes(transaction)) {
    throw new UsageError(`--transaction must be one of ${TRANSACTION_MODES.join(', ')}, not "${transaction}".`);
  }
  const ddl = Object.fromEntries(
    ([['ddl-lock-timeout', 'lockTimeoutMs'], ['statement-timeout', 'statementTimeoutMs'], ['ddl-lock-retries', 'lockRetries']] as const).flatMap(([flag, key]) => {
      const value = v[flag] as string | undefined;
      if (value === undefined) return [];
      if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a whole number${flag === 'ddl-lock-retries' ? '' : ' of milliseconds'}, not "${value}".`);
      return [[key, Number(value)]];
    }),
  );
  return {
    cwd: input.cwd,
    ...(v.config ? { config: resolve(input.cwd, v.config as string) } : {}),
    ...(v['drizzle-config'] ? { drizzleConfig: resolve(input.cwd, v['drizzle-config'] as string) } : {}),
    ...(v.stream ? { stream: v.stream as string } : {}),
    ...(v.dir ? { dir: v.dir as string } : {}),
    ...(v.url ? { url: v.url as string } : {}),
    ...(dialect ? { dialect: dialect as DialectName } : {}),
    ...(lockTimeout ? { lockTimeoutMs: Number(lockTimeout) } : {}),
    ...(Object.keys(ddl).length > 0 ? { ddl } : {}),
    ...(v['safe-forms'] === true ? { safety: 'online' as const } : {}),
    ...(transaction === undefined ? {} : { transaction: transaction as TransactionMode }),
  };
}

/**
 * Loads the stream's revision files into a graph. With `missingIsEmpty` (commands that write the first
 * revision), a revisions folder that does not exist yet is an empty stream.
 */
export function loadGraph(settings: Pick<StreamLayout, 'revisionsDir'>, options: { missingIsEmpty?: boolean } = {}): RevisionGraph {
  if (options.missingIsEmpty && !existsSync(settings.revisionsDir)) return new RevisionGraph([]);
  return new RevisionGraph(loadRevisions(settings.revisionsDir));
}
