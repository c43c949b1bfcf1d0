import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { FANOUT_OPTIONS, fanoutRequested, runFanout } from '../fanout-options.js';
import { loadGraph, streamLayout, streamSettings } from '../stream-options.js';

const VERBOSE = { verbose: { type: 'boolean', short: 'v', description: 'Show each revision in full (parents, children, labels, file).' } } as const;

/** `strata current`. */
export const currentCommand: Command = {
  name: 'current',
  summary: 'Show the revisions the database is at.',
  usage: '[options]',
  description:
    'Reads the stream\'s rows of strata_version (without locking or creating anything) and names each revision.\n' +
    'With --targets FILE or --targets-from-sql SQL, reads every tenant database listed and prints a census: how many\n' +
    'tenants stand at which revisions.',
  options: { ...VERBOSE, ...FANOUT_OPTIONS },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    if (fanoutRequested(input, ['verbose'])) return runFanout(input, { command: 'current' });
    const stream = streamSettings(input);
    const { currentCommand: runCurrent } = await import('../../commands/current.js');
    await runCurrent(input.out, { stream, graph: loadGraph(stream), verbose: input.values.verbose === true });
  },
};

/** `strata heads`. */
export const headsCommand: Command = {
  name: 'heads',
  summary: 'Show the heads of the revision graph.',
  usage: '[options]',
  description: 'Lists the revisions no other revision builds on. Several heads are legal; merge them with `strata merge`.',
  options: {
    ...VERBOSE,
    'resolve-dependencies': { type: 'boolean', description: 'Leave out heads that another revision lists in dependsOn (they are applied on the way to it).' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const { headsCommand: runHeads } = await import('../../commands/graph-views.js');
    runHeads(input.out, { graph: loadGraph(streamLayout(input)), verbose: input.values.verbose === true, resolveDependencies: input.values['resolve-dependencies'] === true });
  },
};

/** `strata branches`. */
export const branchesCommand: Command = {
  name: 'branches',
  summary: 'Show the branch points of the revision graph.',
  usage: '[options]',
  description: 'Lists every revision that two or more revisions build on, with the revisions that branch from it.',
  options: VERBOSE,
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const { branchesCommand: runBranches } = await import('../../commands/graph-views.js');
    runBranches(input.out, { graph: loadGraph(streamLayout(input)), verbose: input.values.verbose === true });
  },
};

/** `strata show REV`. */
export const showCommand: Command = {
  name: 'show',
  summary: 'Show one revision (id, prefix, head, label@head...).',
  usage: 'REV [options]',
  description: 'Prints the revision\'s id, parents, children, labels, dependencies, file and message.',
  options: {},
  streamOptions: true,
  maxPositionals: 1,
  async run(input) {
    const target = input.positionals[0];
    if (target === undefined) throw new UsageError('strata show needs a revision: an id, a prefix, head, or <label>@head.');
    const { showCommand: runShow } = await import('../../commands/graph-views.js');
    runShow(input.out, { graph: loadGraph(streamLayout(input)), target });
  },
};

/** `strata history`. */
export const historyCommand: Command = {
  name: 'history',
  summary: 'List revisions, newest first; or what was applied (newest first), with --applied.',
  usage: '[options]',
  description:
    'Lists the stream\'s revisions from the heads down to the bases (Alembic\'s history). -r START:END limits it to a range\n' +
    '(either side may be empty, an id or prefix, head, base, <label>@head, <label>@base as the start, <label>@-N counted\n' +
    'from the branch head, or current; the start must be at or below the end). -i marks the revisions the\n' +
    'database is at. --applied lists the rows of strata_history instead, newest first too: every revision applied, reverted\n' +
    'or stamped, with when, how long, by whom and the file\'s checksum.',
  options: {
    ...VERBOSE,
    rev: { type: 'string', short: 'r', valueName: 'START:END', description: 'Only the revisions in this range.' },
    'indicate-current': { type: 'boolean', short: 'i', description: 'Mark the revisions the database is at (connects to it).' },
    applied: { type: 'boolean', description: 'List the ledger (strata_history) instead of the files.' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    if (input.values.applied) {
      const settings = streamSettings(input);
      const [{ appliedHistory }, { reportAppliedHistory }] = await Promise.all([import('../../runner/runner.js'), import('../../report/history-report.js')]);
      reportAppliedHistory(input.out, settings.name, await appliedHistory(settings), input.values.verbose === true);
      return;
    }
    const layout = streamLayout(input);
    const [{ historyCommand: runHistory }, { current }] = await Promise.all([import('../../commands/history.js'), import('../../runner/runner.js')]);
    await runHistory(input.out, {
      stream: layout,
      graph: loadGraph(layout),
      ...(input.values.rev === undefined ? {} : { range: input.values.rev as string }),
      indicateCurrent: input.values['indicate-current'] === true,
      verbose: input.values.verbose === true,
      currentHeads: async () => (await current(streamSettings(input))).heads,
    });
  },
};
