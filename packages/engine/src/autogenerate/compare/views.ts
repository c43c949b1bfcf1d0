import type { AlterSequenceOp, CreateSequenceOp } from '../../ops/op.js';
import { comparableTable, statedDefinition } from '../../schema/stated.js';
import type { SchemaModel, SequenceModel, ViewModel } from '../../schema/model.js';
import { compareText } from './columns.js';

/** How the standalone sequences change, each list sorted by name. @internal */
export interface SequenceComparison {
  readonly create: readonly CreateSequenceOp[];
  readonly alter: readonly AlterSequenceOp[];
  readonly drop: readonly SequenceModel[];
}

const SEQUENCE_OPTIONS = ['start', 'increment', 'minValue', 'maxValue', 'cache', 'cycle'] as const;

/** The sequences to create, alter (options differ: the op states them in full) and drop. @internal */
export function compareSequences(from: SchemaModel, to: SchemaModel): SequenceComparison {
  const before = from.sequences ?? new Map<string, SequenceModel>();
  const after = to.sequences ?? new Map<string, SequenceModel>();
  const names = (map: ReadonlyMap<string, SequenceModel>): string[] => [...map.keys()].sort(compareText);
  const same = (a: SequenceModel, b: SequenceModel): boolean => SEQUENCE_OPTIONS.every((key) => a[key] === b[key]);
  return {
    create: names(after).filter((n) => !before.has(n)).map((n) => ({ ...(after.get(n) as SequenceModel), kind: 'createSequence' })),
    alter: names(after)
      .filter((n) => before.has(n) && !same(before.get(n) as SequenceModel, after.get(n) as SequenceModel))
      .map((n) => ({ ...(after.get(n) as SequenceModel), kind: 'alterSequence' })),
    drop: names(before).filter((n) => !after.has(n)).map((n) => before.get(n) as SequenceModel),
  };
}

/**
 * The relation names a view's query mentions: its bare words (folded to lower case, as the server
 * folds them) and quoted names, and each `schema.name` pair of them, string literals skipped. A lexer, not a parser: a column that
 * happens to share a table's name counts too, which only makes the diff recreate a view it could
 * have kept.
 * @internal
 */
export function mentionedNames(definition: string): Set<string> {
  const names = new Set<string>();
  const pattern = /'(?:[^']|'')*'|"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_$]*)/g;
  let previous: { readonly name: string; readonly end: number } | undefined;
  for (const match of definition.matchAll(pattern)) {
    const name = match[1] !== undefined ? match[1].replaceAll('""', '"') : match[2]?.toLowerCase();
    if (name === undefined) {
      previous = undefined;
      continue;
    }
    names.add(name);
    // `billing.invoices`: a name of another schema, as the model keys it.
    if (previous !== undefined && definition.slice(previous.end, match.index).trim() === '.') names.add(`${previous.name}.${name}`);
    previous = { name, end: match.index + match[0].length };
  }
  return names;
}

/** How the views change: those to drop first (dependents before what they read) and to create last (in dependency order). @internal */
export interface ViewComparison {
  readonly drop: readonly ViewModel[];
  readonly create: readonly ViewModel[];
}

/**
 * The views to drop and create. A view is recreated (dropped before anything else changes, created
 * after everything else) when its query or kind changes, and, conservatively, when anything about a
 * table or view it mentions changes: PostgreSQL refuses to drop or retype a column a view reads,
 * and a view's `*` is expanded once, when it is created. `changedTables` are the tables (by their
 * name in `from`) the diff drops, recreates, renames or alters in any way.
 * @internal
 */
export function compareViews(from: SchemaModel, to: SchemaModel, changedTables: ReadonlySet<string>): ViewComparison {
  const before = from.views ?? new Map<string, ViewModel>();
  const after = to.views ?? new Map<string, ViewModel>();
  const dropped = new Set<string>();
  for (const [name, view] of before) {
    const target = after.get(name);
    if (target === undefined || target.definition !== view.definition || target.materialized !== view.materialized) dropped.add(name);
    else if ([...mentionedNames(statedDefinition(view))].some((n) => changedTables.has(n))) dropped.add(name);
  }
  // A view that reads a dropped view goes too (DROP VIEW refuses while another view depends on it).
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, view] of before) {
      if (dropped.has(name)) continue;
      if ([...mentionedNames(statedDefinition(view))].some((n) => n !== name && dropped.has(n))) {
        dropped.add(name);
        grew = true;
      }
    }
  }
  const created = [...after.values()].filter((view) => !before.has(view.name) || dropped.has(view.name));
  const createOrder = dependencyOrder(created);
  const dropOrder = dependentsFirst([...dropped].map((n) => before.get(n) as ViewModel));
  return { drop: dropOrder, create: createOrder };
}

/** Views ordered so that each comes after the views of the list it mentions, by name otherwise. @internal */
function dependencyOrder(views: readonly ViewModel[]): ViewModel[] {
  const pending = [...views].sort((a, b) => compareText(a.name, b.name));
  const names = new Set(pending.map((v) => v.name));
  const order: ViewModel[] = [];
  const placed = new Set<string>();
  while (pending.length > 0) {
    const index = pending.findIndex((view) => [...mentionedNames(statedDefinition(view))].every((n) => n === view.name || !names.has(n) || placed.has(n)));
    // A cycle cannot exist among views the server built; take the first by name if the lexer sees one.
    const [next] = pending.splice(index === -1 ? 0 : index, 1) as [ViewModel];
    order.push(next);
    placed.add(next.name);
  }
  return order;
}

/** Views ordered so that each comes before the views of the list it mentions, by name otherwise. @internal */
function dependentsFirst(views: readonly ViewModel[]): ViewModel[] {
  const pending = [...views].sort((a, b) => compareText(a.name, b.name));
  const order: ViewModel[] = [];
  while (pending.length > 0) {
    const mentioned = new Set(pending.flatMap((view) => [...mentionedNames(statedDefinition(view))].filter((n) => n !== view.name)));
    const index = pending.findIndex((view) => !mentioned.has(view.name));
    const [next] = pending.splice(index === -1 ? 0 : index, 1) as [ViewModel];
    order.push(next);
  }
  return order;
}

/** Whether a kept table differs in anything the model compares. @internal */
export function tableChanged(from: SchemaModel, to: SchemaModel, name: string): boolean {
  const a = from.tables.get(name);
  const b = to.tables.get(name);
  if (a === undefined || b === undefined) return true;
  return JSON.stringify(comparableTable(a)) !== JSON.stringify(comparableTable(b));
}

/**
 * The views of `created` that read `name`, directly or through one another, and that are new or get
 * a new query: what a re-run of the revision finds already there, by which it knows it ran (see
 * `DropViewOp.skipIfCreated`). Those recreated with their query unchanged cannot tell, and need not:
 * their own drop comes first.
 * @internal
 */
export function createdReaders(name: string, created: readonly ViewModel[], from: SchemaModel): { name: string; definition: string }[] {
  const readers = new Set<string>([name]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const view of created) {
      if (readers.has(view.name)) continue;
      if ([...mentionedNames(statedDefinition(view))].some((n) => readers.has(n))) {
        readers.add(view.name);
        grew = true;
      }
    }
  }
  return created
    .filter((view) => view.name !== name && readers.has(view.name) && from.views?.get(view.name)?.definition !== view.definition)
    .map((view) => ({ name: view.name, definition: statedDefinition(view) }));
}
