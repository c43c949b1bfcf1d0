import { resolveTarget } from '../../revision/resolve-target.js';
import { mergeParents } from '../../revision/merge-parents.js';
import { writeRevisionFile } from '../../revision/write-revision.js';
import { planGeneratedRevision, type RenameHints } from '../../autogenerate/generate.js';
import { writeGeneratedRevision } from '../../autogenerate/write-generated.js';
import type { Command, CommandInput } from '../command.js';
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
    if (input.values.autogenerate) return autogenerate(input, message);
    const settings = streamLayout(input);
    const graph = loadGraph(settings, { missingIsEmpty: true });
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

/** `strata revision --autogenerate`: the Drizzle schema against the revisions, written as a guarded revision. */
async function autogenerate(input: CommandInput, message: string): Promise<void> {
  const layout = streamLayout(input);
  if (layout.dialect === undefined || layout.drizzle === undefined) {
    throw new UsageError(
      `--autogenerate needs the stream's Drizzle schema: ${layout.projectDir} has no drizzle.config.* with \`schema\` and \`dialect\`.`,
      'Add a drizzle.config.ts (dialect, schema, dbCredentials) to the project, or write the revision by hand without --autogenerate.',
    );
  }
  const graph = loadGraph(layout, { missingIsEmpty: true });
  const head = input.values.head as string | undefined;
  const plan = await planGeneratedRevision({
    dialect: layout.dialect,
    graph,
    schemaFiles: layout.drizzle.schemaFiles,
    ...(layout.drizzle.casing ? { casing: layout.drizzle.casing } : {}),
    renames: parseRenames(input.values.rename as string[] | undefined, input.values['rename-table'] as string[] | undefined, input.values['rename-enum-value'] as string[] | undefined),
    ...(head ? { head } : {}),
    ...(input.values['no-renames'] ? { noRenames: true } : {}),
    ...(input.values['shadow-url'] ? { shadowUrl: input.values['shadow-url'] as string } : {}),
    ...(layout.safety ? { safety: layout.safety } : {}),
    stream: layout.name,
  });
  if (plan.upgrade.length === 0) {
    input.out.result({ stream: layout.name, file: null, operations: [] }, () =>
      input.out.line(`No changes: the Drizzle schema of "${layout.name}" matches its revisions. No file written.`),
    );
    return;
  }
  const dependsOn = (input.values['depends-on'] as string[] | undefined)?.map((d) => (d.includes('@') ? d : graph.resolvePrefix(d)));
  const written = writeGeneratedRevision(layout.revisionsDir, {
    parents: plan.parents,
    message,
    ...(dependsOn ? { dependsOn } : {}),
    ...(input.values['branch-label'] ? { branchLabels: input.values['branch-label'] as string[] } : {}),
    upgrade: plan.upgrade,
    downgrade: plan.downgrade,
    destructive: plan.destructive,
    ...(input.values['rev-id'] ? { id: input.values['rev-id'] as string } : {}),
  });
  input.out.result({ stream: layout.name, ...written, parents: plan.parents, operations: plan.upgrade, destructive: plan.destructive, notes: plan.notes }, () => {
    input.out.line(`Generating ${written.file} ... done (revision ${written.id}, parent ${plan.parents.join(', ') || '<base>'})`);
    for (const op of plan.upgrade) input.out.line(`  ${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`);
    for (const d of plan.destructive) input.out.warn(`destructive: ${plan.upgrade[d.index]?.kind ?? ''}: ${d.reason} (marked in the file)`);
    for (const note of plan.notes) input.out.warn(note);
  });
}

/** `--rename users.name=full_name`, `--rename-table old=new` and `--rename-enum-value mood.sad=blue` into hints. */
function parseRenames(columns: readonly string[] = [], tables: readonly string[] = [], enumValues: readonly string[] = []): RenameHints {
  const shapes: Record<string, string> = { '--rename': 'TABLE.OLD=NEW', '--rename-table': 'OLD=NEW', '--rename-enum-value': 'TYPE.OLD=NEW' };
  const pair = (text: string, flag: string, shape: RegExp): [string, string] => {
    const match = shape.exec(text);
    if (!match) throw new UsageError(`${flag} takes ${shapes[flag] ?? 'OLD=NEW'}, not "${text}".`);
    return [match[1] as string, match[2] as string];
  };
  return {
    columns: Object.fromEntries(columns.map((c) => pair(c, '--rename', /^([^=]+\.[^=.]+)=([^=.]+)$/))),
    // A table of a PostgreSQL schema is `schema.name` (`billing.bills=billing.invoices`).
    tables: Object.fromEntries(tables.map((t) => pair(t, '--rename-table', /^([^=.]+(?:\.[^=.]+)?)=([^=.]+(?:\.[^=.]+)?)$/))),
    // Enum values may hold dots: the type is everything before the first one.
    enumValues: Object.fromEntries(enumValues.map((e) => pair(e, '--rename-enum-value', /^([^=.]+\.[^=]+)=([^=]+)$/))),
  };
}

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
    const parents = mergeParents(graph, requested);
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
