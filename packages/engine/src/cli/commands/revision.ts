import { resolveTarget } from '../../revision/resolve-target.js';
import { writeRevisionFile } from '../../revision/write-revision.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadGraph, streamLayout } from '../stream-options.js';
import { MultipleHeadsForRevisionError } from './errors.js';

/** `strata revision -m MESSAGE`. */
export const revisionCommand: Command = {
  name: 'revision',
  summary: 'Write a new, empty revision file on the current head.',
  usage: '-m MESSAGE [options]',
  description:
    'Writes YYYYMMDD_HHMM_<slug>.ts in the revisions folder with empty upgrade and downgrade, whose parent is the stream\'s\n' +
    'head. When the stream has several heads, say which one with --head (or --head base for a new, independent base,\n' +
    'usually with --branch-label).',
  options: {
    message: { type: 'string', short: 'm', valueName: 'TEXT', description: 'What the revision does; it also names the file.' },
    head: { type: 'string', valueName: 'REV', description: 'The parent: a head id or prefix, <label>@head, or base for a new base.' },
    'depends-on': { type: 'string', multiple: true, valueName: 'REV', description: 'A revision that must be applied first (repeatable): an id, or stream@id of another stream.' },
    'branch-label': { type: 'string', multiple: true, valueName: 'NAME', description: 'A label for the branch this revision starts (repeatable).' },
    'rev-id': { type: 'string', valueName: 'ID', description: 'Use this id instead of a random one.' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const message = input.values.message as string | undefined;
    if (!message) throw new UsageError('strata revision needs a message: -m "what it does".', 'Example: `strata revision -m "add users table"`.');
    const settings = streamLayout(input);
    const graph = loadGraph(settings);
    const head = input.values.head as string | undefined;
    let parents: string[];
    if (head === 'base') parents = [];
    else if (head !== undefined) parents = [...resolveTarget(graph, head, [], 'show')];
    else {
      const heads = graph.heads();
      if (heads.length > 1) throw new MultipleHeadsForRevisionError(settings.name, heads);
      parents = [...heads];
    }
    const dependsOn = (input.values['depends-on'] as string[] | undefined)?.map((d) => (d.includes('@') ? d : graph.resolvePrefix(d)));
    const written = writeRevisionFile(settings.revisionsDir, {
      parents,
      message,
      ...(dependsOn ? { dependsOn } : {}),
      ...(input.values['branch-label'] ? { branchLabels: input.values['branch-label'] as string[] } : {}),
      ...(input.values['rev-id'] ? { id: input.values['rev-id'] as string } : {}),
    });
    input.out.result({ stream: settings.name, ...written, parents }, () =>
      input.out.line(`Generating ${written.file} ... done (revision ${written.id}, parent ${parents.join(', ') || '<base>'})`),
    );
  },
};

/** `strata merge [REV...] -m MESSAGE`. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'Write a merge revision joining heads (default: all heads).',
  usage: '[REV...] -m MESSAGE [options]',
  description:
    'Writes a revision whose parents are the given revisions (default: every head), so the stream has one head again.\n' +
    'The merge revision\'s upgrade and downgrade are empty; applying it collapses the version rows into one.',
  options: {
    message: { type: 'string', short: 'm', valueName: 'TEXT', description: 'What the merge is for (default: "merge <ids>").' },
    'rev-id': { type: 'string', valueName: 'ID', description: 'Use this id instead of a random one.' },
  },
  streamOptions: true,
  maxPositionals: Infinity,
  async run(input) {
    const settings = streamLayout(input);
    const graph = loadGraph(settings);
    const requested = input.positionals.length === 0 ? ['heads'] : input.positionals;
    const parents = [...new Set(requested.flatMap((r) => (r === 'heads' ? graph.heads() : resolveTarget(graph, r, [], 'show'))))].sort();
    if (parents.length < 2) {
      throw new UsageError(
        `Nothing to merge in stream "${settings.name}": ${parents.length === 1 ? `only ${parents[0]}` : 'no revision'} given${input.positionals.length === 0 ? ' (the stream has a single head)' : ''}.`,
        'A merge needs two or more heads; `strata heads` lists them.',
      );
    }
    const message = (input.values.message as string | undefined) ?? `merge ${parents.join(', ')}`;
    const written = writeRevisionFile(settings.revisionsDir, {
      parents,
      message,
      ...(input.values['rev-id'] ? { id: input.values['rev-id'] as string } : {}),
    });
    input.out.result({ stream: settings.name, ...written, parents }, () =>
      input.out.line(`Generating ${written.file} ... done (merge revision ${written.id} of ${parents.join(', ')})`),
    );
  },
};
