import type { Command, CommandInput } from '../command.js';
import { UsageError } from '../errors.js';
import { FANOUT_OPTIONS, fanoutRequested, runFanout } from '../fanout-options.js';
import { DDL_OPTIONS, loadGraph, streamLayout, streamSettings, TRANSACTION_OPTIONS } from '../stream-options.js';

const RUN_OPTIONS = {
  ...DDL_OPTIONS,
  ...TRANSACTION_OPTIONS,
  'allow-changed': { type: 'boolean', description: 'Run even if an applied revision\'s file changed since it was applied.' },
  strict: { type: 'boolean', description: 'Fail a revision whose guard finds its object defined differently (default: warn).' },
  sql: {
    type: 'boolean',
    description: 'Print the SQL script instead of running it (no database needed); TARGET may be FROM:TO.',
  },
} as const;

const UPGRADE_OPTIONS = {
  ...RUN_OPTIONS,
  'dry-run': {
    type: 'boolean',
    description: 'Print the plan and each destructive operation with the rows it would affect (counted in the database); change nothing.',
  },
  'strict-safety': {
    type: 'boolean',
    description: 'Fail (AUTOGENERATE_CHECK_UNSAFE) before any revision runs when a pending operation locks a live table for long and its revision does not silence it (default: warn).',
  },
  ...FANOUT_OPTIONS,
} as const;

async function migrate(input: CommandInput, direction: 'up' | 'down', target: string): Promise<number | void> {
  if (fanoutRequested(input, ['sql', 'dry-run', 'strict-safety'])) {
    const run = { target, allowChanged: input.values['allow-changed'] === true, strict: input.values.strict === true };
    return runFanout(input, { command: direction === 'up' ? 'upgrade' : 'downgrade', ...run });
  }
  const strictSafety = input.values['strict-safety'] === true;
  if (input.values.sql === true) {
    const stream = streamLayout(input);
    const { offlineCommand } = await import('../../commands/migrate.js');
    return offlineCommand(input.out, { stream, graph: loadGraph(stream), direction, range: target, ...(strictSafety ? { strictSafetyCheck: 'strata check --strict-safety' } : {}) });
  }
  const stream = streamSettings(input);
  const graph = loadGraph(stream);
  const { migrateCommand, upgradeDryRunCommand } = await import('../../commands/migrate.js');
  if (direction === 'up' && input.values['dry-run'] === true) {
    return upgradeDryRunCommand(input.out, { stream, graph, target, strictSafety, strictSafetyRerun: 'strata upgrade --dry-run --strict-safety' });
  }
  return migrateCommand(input.out, {
    stream,
    graph,
    direction,
    target,
    allowChanged: input.values['allow-changed'] === true,
    strict: input.values.strict === true,
    strictSafety,
    strictSafetyRerun: 'strata upgrade --strict-safety',
  });
}

/** `strata upgrade [TARGET]`. */
export const upgradeCommand: Command = {
  name: 'upgrade',
  summary: 'Apply revisions up to a target (default: head).',
  usage: '[TARGET] [options]',
  description:
    'Applies every revision needed to reach TARGET, parents and dependencies first, each in its own transaction where the database\n' +
    'allows it (PostgreSQL, SQLite). TARGET: head (default), heads, an id or a unique prefix of 4+ characters, <label>@head,\n' +
    '+N (N more), <rev>+N. A second runner on the same database waits for the lock, then finds nothing left to do.\n' +
    'With --sql, prints the script instead (TARGET or FROM:TO; guards answered from the revisions replayed up to FROM).\n' +
    'Before running, warns of every pending operation that drops a table, column, constraint or index, narrows a column or\n' +
    'runs raw SQL (also in --json, as "destructive"); --dry-run prints that with the rows each drop would affect, and stops.\n' +
    'It also warns of each pending operation that locks a live table for long, as `strata check` does (in --json, "unsafe");\n' +
    '--strict-safety stops the run there instead, before any revision runs (with --dry-run: fails the preview the same way;\n' +
    'with --sql, which opens no database, it is refused: `strata check --strict-safety` judges without one).\n' +
    '--ddl-lock-timeout bounds each statement\'s wait for a table lock (the server\'s locks; --lock-timeout is the wait for another\n' +
    'runner) and --ddl-lock-retries runs a revision that gave up on it again; a revision\'s lockTimeout/statementTimeout win.\n' +
    'With --targets FILE or --targets-from-sql SQL, upgrades every tenant database listed (--concurrency at once, each under\n' +
    'its own lock), prints a line per tenant as it finishes (stderr) and a table at the end; exits 1 if any tenant failed.\n' +
    'A re-run changes only the tenants not at the target. --shard I/N takes the I-th of N shards (CI matrices).',
  options: UPGRADE_OPTIONS,
  streamOptions: true,
  maxPositionals: 1,
  run: (input) => migrate(input, 'up', input.positionals[0] ?? 'head'),
};

/** `strata downgrade TARGET`. */
export const downgradeCommand: Command = {
  name: 'downgrade',
  summary: 'Revert revisions down to a target (-1, an id, base).',
  usage: 'TARGET [options]',
  description:
    'Reverts the applied revisions above TARGET, dependents first, running each downgrade. TARGET: -N (N steps down), an id\n' +
    'or prefix (reverts what was applied above it), <label>@base, base (reverts everything), <rev>-N.\n' +
    'With --sql, prints the script instead; TARGET is then FROM:TO (for example head:base).\n' +
    'With --targets FILE or --targets-from-sql SQL, downgrades every tenant database listed, as upgrade does.',
  options: { ...RUN_OPTIONS, ...FANOUT_OPTIONS },
  streamOptions: true,
  maxPositionals: 1,
  run: (input) => {
    const target = input.positionals[0];
    if (target === undefined) throw new UsageError('strata downgrade needs a TARGET: -1, an id, or base.', 'Example: `strata downgrade -1`.');
    return migrate(input, 'down', target);
  },
};
