import { resolve } from 'node:path';
import { DEFAULT_FANOUT_CONCURRENCY } from '../fanout/default-concurrency.js';
import type { FanoutAction, TenantSource } from '../fanout/fanout.js';
import type { CommandInput, OptionSpecs } from './command.js';
import { UsageError } from './errors.js';
import { loadGraph, streamLayout, streamSettings } from './stream-options.js';

/** The options of the verbs that can run on many tenant databases at once (upgrade, downgrade, stamp, current). */
export const FANOUT_OPTIONS: OptionSpecs = {
  targets: {
    type: 'string',
    valueName: 'FILE',
    description: 'Run on every tenant database listed in FILE, one URL per line (blank lines and # comments skipped; a relative SQLite path is relative to FILE), instead of the stream\'s URL.',
  },
  'targets-from-sql': {
    type: 'string',
    valueName: 'SQL',
    description: 'Run on every tenant database the query returns (the first column of each row is a URL); the query runs on the stream\'s own database (--url).',
  },
  concurrency: { type: 'string', valueName: 'N', description: `With --targets or --targets-from-sql: how many tenants run at once, each under its own lock (default ${DEFAULT_FANOUT_CONCURRENCY}).` },
  shard: {
    type: 'string',
    valueName: 'I/N',
    description: 'With --targets or --targets-from-sql: run only the I-th of N shards of the tenants (by a hash of each URL as listed), for a CI matrix.',
  },
};

/**
 * Whether the command runs on many tenants (`--targets` or `--targets-from-sql`). `--concurrency` and
 * `--shard` without either are a usage error, as are options that make no sense across tenants.
 */
export function fanoutRequested(input: CommandInput, refused: readonly string[] = []): boolean {
  const v = input.values;
  const requested = v['targets'] !== undefined || v['targets-from-sql'] !== undefined;
  if (!requested) {
    const stray = ['concurrency', 'shard'].find((name) => v[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} applies to a run on many tenants: pass --targets FILE or --targets-from-sql SQL with it.`);
    return false;
  }
  if (v['targets'] !== undefined && v['targets-from-sql'] !== undefined) throw new UsageError('Pass either --targets FILE or --targets-from-sql SQL, not both.');
  const clash = refused.find((name) => v[name] !== undefined);
  if (clash) throw new UsageError(`--${clash} works on one database, not with --targets or --targets-from-sql.`);
  return true;
}

/**
 * Runs `action` on every tenant, printing a line per tenant as it finishes (stderr) and the table (or
 * `--json` document) at the end. Returns the exit code: 1 when any tenant failed.
 */
export async function runFanout(input: CommandInput, action: FanoutAction): Promise<number> {
  const v = input.values;
  const concurrency = v['concurrency'] as string | undefined;
  if (concurrency !== undefined && !/^[1-9]\d*$/.test(concurrency)) throw new UsageError(`--concurrency takes a whole number of tenants (1 or more), not "${concurrency}".`);
  // The fan-out (the runner, the census, the reports) loads here only: the verbs that take these options load this file.
  const [{ fanOutCommand }, { parseShard }] = await Promise.all([import('../commands/fanout.js'), import('../fanout/shard.js')]);
  const shard = v['shard'] === undefined ? undefined : parseShard(v['shard'] as string);
  const file = v['targets'] as string | undefined;
  // The targets query runs on the stream's own database, which a targets file does not need.
  const stream = file === undefined ? streamSettings(input) : streamLayout(input);
  const tenants: TenantSource = file === undefined ? { sql: v['targets-from-sql'] as string } : { file: resolve(input.cwd, file) };
  const result = await fanOutCommand(input.out, {
    stream,
    graph: loadGraph(stream),
    action,
    tenants,
    ...(shard ? { shard } : {}),
    ...(concurrency === undefined ? {} : { concurrency: Number(concurrency) }),
  });
  return result.summary.failed === 0 ? 0 : 1;
}
