import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadGraph, streamLayout } from '../stream-options.js';

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
    autogenerate: { type: 'boolean', description: 'Fill the revision from the difference between the Drizzle schema and the revisions.' },
    rename: { type: 'string', multiple: true, valueName: 'TABLE.OLD=NEW', description: 'With --autogenerate: a column renamed, not dropped and added (repeatable).' },
    'rename-table': { type: 'string', multiple: true, valueName: 'OLD=NEW', description: 'With --autogenerate: a table renamed (repeatable).' },
    'rename-enum-value': { type: 'string', multiple: true, valueName: 'TYPE.OLD=NEW', description: 'With --autogenerate: an enum value renamed in place, not dropped and added (repeatable; PostgreSQL).' },
    'no-renames': { type: 'boolean', description: 'With --autogenerate: what looks renamed is really dropped and added.' },
    'shadow-url': { type: 'string', valueName: 'URL', description: 'With --autogenerate: replay the revisions on this throwaway database instead of the model.' },
    'safe-forms': {
      type: 'boolean',
      description:
        'With --autogenerate: write ops that would lock a live table in their safe forms (concurrent indexes; on PostgreSQL NOT VALID then VALIDATE, SET NOT NULL through a check, UNIQUE USING INDEX), in a revision with transactional: false. strata.config: "safety": "online".',
    },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const message = input.values.message as string | undefined;
    if (!message) throw new UsageError('strata revision needs a message: -m "what it does".', 'Example: `strata revision -m "add users table"`.');
    const stream = streamLayout(input);
    const list = (name: string): readonly string[] | undefined => input.values[name] as string[] | undefined;
    const text = (name: string): string | undefined => input.values[name] as string | undefined;
    const { revisionCommand: runRevision } = await import('../../commands/revision.js');
    await runRevision(input.out, {
      stream,
      graph: loadGraph(stream, { missingIsEmpty: true }),
      message,
      autogenerate: input.values.autogenerate === true,
      ...optional({ head: text('head'), dependsOn: list('depends-on'), branchLabels: list('branch-label'), revId: text('rev-id'), shadowUrl: text('shadow-url') }),
      renames: { ...optional({ columns: list('rename'), tables: list('rename-table'), enumValues: list('rename-enum-value') }) },
      noRenames: input.values['no-renames'] === true,
    });
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
    const stream = streamLayout(input);
    const { mergeCommand: runMerge } = await import('../../commands/merge.js');
    await runMerge(input.out, {
      stream,
      graph: loadGraph(stream),
      revisions: input.positionals,
      ...optional({ message: input.values.message as string | undefined, revId: input.values['rev-id'] as string | undefined }),
    });
  },
};

/** `values` without its undefined entries (the commands' options are exact optional properties). */
function optional<T extends Record<string, unknown>>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}
