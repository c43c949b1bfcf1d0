import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveStreamSettings, type ResolveStreamSettingsOptions, type StreamLayout, type StreamSettings } from '../config/stream-settings.js';
import type { DialectName } from '../dialects/dialect.js';
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
  'lock-timeout': { type: 'string', valueName: 'MS', description: 'How long to wait for another runner\'s lock (on SQLite also for another process\'s lock on the file), in milliseconds (default 60000).' },
};

const DIALECTS: readonly DialectName[] = ['postgresql', 'mysql', 'sqlite'];

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
  if (dialect !== undefined && !DIALECTS.includes(dialect as DialectName)) {
    throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, not "${dialect}".`);
  }
  const lockTimeout = v['lock-timeout'] as string | undefined;
  if (lockTimeout !== undefined && !/^\d+$/.test(lockTimeout)) {
    throw new UsageError(`--lock-timeout takes a number of milliseconds, not "${lockTimeout}".`);
  }
  return {
    cwd: input.cwd,
    ...(v.config ? { config: resolve(input.cwd, v.config as string) } : {}),
    ...(v['drizzle-config'] ? { drizzleConfig: resolve(input.cwd, v['drizzle-config'] as string) } : {}),
    ...(v.stream ? { stream: v.stream as string } : {}),
    ...(v.dir ? { dir: v.dir as string } : {}),
    ...(v.url ? { url: v.url as string } : {}),
    ...(dialect ? { dialect: dialect as DialectName } : {}),
    ...(lockTimeout ? { lockTimeoutMs: Number(lockTimeout) } : {}),
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
