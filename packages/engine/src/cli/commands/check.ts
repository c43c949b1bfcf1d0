import type { Command } from '../command.js';
import { loadGraph, streamLayout, streamSettings } from '../stream-options.js';

/** `strata check`. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'Fail when a revision is missing, unguarded, or the stream has several heads.',
  usage: '[options]',
  description:
    'Fails (exit 1, with the list) when the Drizzle schema differs from what the revisions build (a revision was not\n' +
    'generated), when the stream has several heads, or when a revision holds a schema operation outside a guard.\n' +
    'With --db, also cross-checks the stream\'s ledger (strata_version rows against strata_history against the revision files)\n' +
    'and compares the live database, read back through the inspector, with the Drizzle schema.\n' +
    'Warns of each pending operation that locks a live table for long (the lock it takes, whether it scans, rewrites or copies\n' +
    'the table, with --db the rows); a revision silences one with `safety: { allow: [{ op, name, reason }] }`, and\n' +
    '--strict-safety makes the others fail the check.',
  options: {
    db: {
      type: 'boolean',
      description: 'Also cross-check the ledger tables and compare the live database with the Drizzle schema (needs the URL); the safety findings get each table\'s row estimate.',
    },
    'strict-safety': {
      type: 'boolean',
      description: 'Fail (AUTOGENERATE_CHECK_UNSAFE) when a pending operation locks a live table for long and its revision does not silence it (default: warn).',
    },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const stream = input.values.db ? streamSettings(input) : streamLayout(input);
    const { checkCommand: runCheck } = await import('../../commands/check.js');
    await runCheck(input.out, {
      stream,
      graph: loadGraph(stream),
      db: input.values.db === true,
      strictSafety: input.values['strict-safety'] === true,
      rerun: input.values['strict-safety'] === true ? 'strata check --strict-safety' : 'strata check',
    });
  },
};
