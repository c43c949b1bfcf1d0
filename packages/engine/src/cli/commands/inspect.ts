import { resolveTarget } from '../../revision/resolve-target.js';
import { historyCommand as runHistory } from '../../commands/history.js';
import { appliedHistory, current } from '../../runner/runner.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { FANOUT_OPTIONS, fanoutRequested, runFanout } from '../fanout-options.js';
import { markers, revisionBlock, revisionJson, revisionLine } from '../../report/format-revision.js';
import { reportAppliedHistory } from '../../report/history-report.js';
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
    const settings = streamSettings(input);
    const graph = loadGraph(settings);
    const { heads } = await current(settings);
    const known = heads.filter((h) => graph.has(h));
    const unknown = heads.filter((h) => !graph.has(h));
    input.out.result(
      { stream: settings.name, heads, revisions: known.map((h) => revisionJson(graph, graph.get(h))), unknown, isHead: sameSet(heads, graph.heads()) },
      () => {
        if (heads.length === 0) input.out.line(`Stream "${settings.name}": <base> (nothing applied)`);
        for (const id of known) {
          input.out.line(input.values.verbose ? revisionBlock(graph, graph.get(id), new Set(heads)) : `${id}${markers(graph, id)}, ${graph.get(id).message}`);
        }
        for (const id of unknown) input.out.line(`${id} (no revision file has this id: was it deleted, or is this the wrong folder?)`);
      },
    );
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
    const graph = loadGraph(streamLayout(input));
    const ids = input.values['resolve-dependencies'] ? graph.headsResolvingDependencies() : graph.heads();
    const heads = ids.map((h) => graph.get(h));
    input.out.result({ heads: heads.map((r) => revisionJson(graph, r)) }, () => {
      for (const r of heads) input.out.line(input.values.verbose ? revisionBlock(graph, r) : `${r.id}${markers(graph, r.id)}, ${r.message}`);
    });
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
    const graph = loadGraph(streamLayout(input));
    const points = graph.branchPoints().map((id) => graph.get(id));
    input.out.result({ branchPoints: points.map((r) => revisionJson(graph, r)) }, () => {
      for (const r of points) {
        input.out.line(input.values.verbose ? revisionBlock(graph, r) : `${r.id}${markers(graph, r.id)}, ${r.message}`);
        for (const child of graph.children(r.id)) input.out.line(`             -> ${revisionLine(graph, graph.get(child))}`);
      }
    });
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
    const graph = loadGraph(streamLayout(input));
    const ids = resolveTarget(graph, target, [], 'show');
    input.out.result({ revisions: ids.map((id) => revisionJson(graph, graph.get(id))) }, () => {
      for (const id of ids) input.out.line(revisionBlock(graph, graph.get(id)));
    });
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
      reportAppliedHistory(input.out, settings.name, await appliedHistory(settings), input.values.verbose === true);
      return;
    }
    const layout = streamLayout(input);
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

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
