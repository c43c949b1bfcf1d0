import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { FANOUT_OPTIONS, fanoutRequested, runFanout } from '../fanout-options.js';
import { loadGraph, streamSettings } from '../stream-options.js';

/** `strata stamp TARGET...`. */
export const stampCommand: Command = {
  name: 'stamp',
  summary: 'Mark revisions as applied (or not) without running them.',
  usage: 'TARGET... [options]',
  description:
    'Sets the stream\'s rows in the version table to TARGET (head, heads, an id, base...) without running any revision, and\n' +
    'records every revision marked or unmarked in strata_history. Use it when the schema is already there (a database\n' +
    'created by other means) or after fixing a failed revision by hand. With --targets FILE or --targets-from-sql SQL, stamps\n' +
    'every tenant database listed.',
  options: {
    purge: { type: 'boolean', description: 'Delete the stream\'s version rows first, even rows naming revisions no file holds.' },
    ...FANOUT_OPTIONS,
  },
  streamOptions: true,
  maxPositionals: Infinity,
  async run(input) {
    if (input.positionals.length === 0) throw new UsageError('strata stamp needs a TARGET: head, an id, or base.', 'Example: `strata stamp head`.');
    if (fanoutRequested(input)) return runFanout(input, { command: 'stamp', targets: input.positionals, purge: input.values.purge === true });
    const settings = streamSettings(input);
    const { stampCommand: runStamp } = await import('../../commands/stamp.js');
    await runStamp(input.out, { stream: settings, graph: loadGraph(settings), targets: input.positionals, purge: input.values.purge === true });
  },
};
