import { assertNever } from '../../errors.js';
import type {
  AlterPolicyOp,
  ColumnDefinition,
  CreateIndexOp,
  CreatePolicyOp,
  CreateTableOp,
  ValidateConstraintOp,
  DisableRowLevelSecurityOp,
  DropPolicyOp,
  DropTableOp,
  EnableRowLevelSecurityOp,
  Op,
  RenameTableOp,
} from '../../ops/op.js';
import type {
  CheckConstraintModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  PrimaryKeyModel,
  StoredObject,
  TableModel,
  UniqueConstraintModel,
} from '../../schema/model.js';
import { toIndexPart, toUniqueConstraintModel } from '../../ops/apply-to-model.js';
import { toCreateIndexOp } from '../../ops/from-model.js';
import { comparableTable } from '../../schema/stated.js';
import { asciiCaseKey } from '../../schema/identifiers.js';
import { RecreateTargetMissingError, UnsupportedOperationError } from '../errors.js';
import { literalOrParenthesized } from '../render-base.js';
import { matchingParen, splitTopLevel, tokenize, type SqlToken } from '../sql-expression.js';
import { SQLITE_SYNTAX } from './sqlite-normalizer.js';

/**
 * An op a table recreate can carry out: any op on one existing table's columns, indexes or
 * constraints. Row-level security and policies are not among them: SQLite has neither, and the
 * renderer refuses those ops.
 */
export type RecreateChange = Exclude<
  Extract<Op, { readonly table: string }>,
  CreateTableOp | DropTableOp | RenameTableOp | EnableRowLevelSecurityOp | DisableRowLevelSecurityOp | CreatePolicyOp | DropPolicyOp | AlterPolicyOp | ValidateConstraintOp
>;

/** The kinds of {@link RecreateChange}: typed by it, so an op kind added there must be listed. */
const RECREATE_KINDS: Readonly<Record<RecreateChange['kind'], true>> = {
  addColumn: true,
  dropColumn: true,
  alterColumn: true,
  renameColumn: true,
  createIndex: true,
  renameIndex: true,
  dropIndex: true,
  createForeignKey: true,
  dropForeignKey: true,
  createUniqueConstraint: true,
  dropUniqueConstraint: true,
  createCheckConstraint: true,
  dropCheckConstraint: true,
  createPrimaryKey: true,
  dropPrimaryKey: true,
  renameConstraint: true,
};

/**
 * Whether a table recreate can carry `op` out.
 *
 * @example
 * ```ts
 * import { isRecreateChange } from '@strata/engine';
 * isRecreateChange({ kind: 'dropIndex', table: 'orders', name: 'ix_orders_user' }); // true
 * isRecreateChange({ kind: 'dropTable', table: 'orders' }); // false
 * ```
 */
export function isRecreateChange(op: Op): op is RecreateChange {
  return Object.hasOwn(RECREATE_KINDS, op.kind);
}

/** What the plan needs from the SQLite renderer: quoting, and the statements that rebuild the table. */
export interface RecreateRendering {
  quoteIdentifier(name: string): string;
  quoteString(value: string): string;
  /** Renders the new table; neither this nor `createIndex` ever needs a recreate. */
  createTable(op: CreateTableOp): string[];
  createIndex(op: CreateIndexOp): string[];
}

/**
 * Whether SQLite needs a table recreate for `op` on `table` (the table as it is; undefined when
 * unknown). SQLite's ALTER TABLE only renames tables and columns, adds columns and drops unreferenced
 * ones (https://www.sqlite.org/lang_altertable.html); everything else rebuilds the table.
 *
 * @example
 * ```ts
 * import { needsRecreate } from '@strata/engine';
 * needsRecreate({ kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_user' }, undefined); // true
 * needsRecreate({ kind: 'renameColumn', table: 'orders', column: 'a', to: 'b' }, undefined); // false
 * ```
 */
export function needsRecreate(op: Op, table: TableModel | undefined): op is RecreateChange {
  switch (op.kind) {
    case 'alterColumn':
      return op.type !== undefined || op.nullable !== undefined || op.default !== undefined;
    case 'addColumn':
      // The primaryKey shorthand is refused by the renderer itself, recreate or not.
      return op.column.primaryKey !== true && !addableInPlace(op.column);
    case 'dropColumn':
      // Without the table nothing says the column is referenced: the native DROP COLUMN is tried, and
      // SQLite names the reference if there is one.
      return table !== undefined && isReferenced(table, op.column);
    case 'createForeignKey':
    case 'dropForeignKey':
    case 'createUniqueConstraint':
    case 'dropUniqueConstraint':
    case 'createCheckConstraint':
    case 'dropCheckConstraint':
    case 'createPrimaryKey':
    case 'dropPrimaryKey':
    case 'renameConstraint':
      return true;
    default:
      return false;
  }
}

/**
 * Plans SQLite's table recreate (https://www.sqlite.org/lang_altertable.html#otheralter, the
 * "12 steps"): applies `changes` to `table`, then returns
 *
 * 1. `CREATE TABLE "_strata_new_<table>"` with the changed columns and every constraint;
 * 2. `INSERT INTO` it `SELECT` from the old table, for the columns both have (a column the changes add
 *    is left to its default, never read from the old table; an `alterColumn`'s `using` is the value
 *    read instead of the old column; generated columns are computed, not copied);
 * 3. for an AUTOINCREMENT table, its `sqlite_sequence` row handed to the new table, so ids freed by
 *    deletes are still never reused;
 * 4. `DROP TABLE` the old table and `ALTER TABLE … RENAME TO` the old name;
 * 5. every index again, adjusted for renamed and dropped columns (an index, key or check on a dropped
 *    column goes with it, as PostgreSQL's DROP COLUMN does);
 * 6. the views and triggers again (step 8 of the 12).
 *
 * `stored` (the server's CREATE texts, `SchemaModel.stored`) carries what the model does not: the
 * new table keeps its columns' `COLLATE` and the table's `WITHOUT ROWID`/`STRICT`, an index the
 * changes leave alone is re-created from its own text, the table's triggers (dropped with it) come
 * back after the rename, and the views and other tables' triggers that name the table (or such a
 * view) are dropped before the new table is made and re-created at the end: SQLite's RENAME checks
 * every view and trigger, and one naming the dropped table fails it
 * (https://www.sqlite.org/lang_altertable.html#alter_table_rename).
 *
 * The runner turns `PRAGMA foreign_keys` off around the transaction (so other tables' foreign keys
 * to this one survive the drop) and runs `PRAGMA foreign_key_check` before committing.
 *
 * @example
 * ```ts
 * import { planRecreate } from '@strata/engine';
 * const table = { name: 't', columns: [{ name: 'a', type: 'integer', nullable: true }], indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [] };
 * planRecreate(table, [{ kind: 'createCheckConstraint', table: 't', constraint: { name: 'ck_a', expression: 'a > 0' } }], {
 *   quoteIdentifier: (name) => `"${name}"`,
 *   quoteString: (value) => `'${value}'`,
 *   createTable: () => ['CREATE TABLE …'],
 *   createIndex: () => ['CREATE INDEX …'],
 * });
 * ```
 */
export function planRecreate(
  stated: TableModel,
  changes: readonly RecreateChange[],
  rendering: RecreateRendering,
  stored: readonly StoredObject[] = [],
): string[] {
  // The recreate edits expressions in place (renames, requalification) on one form of them: the
  // comparison form, which is SQLite's stored text made canonical, so no stale stated text survives.
  const table = comparableTable(stated);
  const kept = keptObjects(table.name, stored);
  if (kept.triggers.length + kept.dependents.length > 0) {
    const rename = changes.find((change) => change.kind === 'renameColumn');
    if (rename !== undefined) {
      throw new UnsupportedOperationError({
        dialect: 'sqlite',
        kind: rename.kind,
        table: table.name,
        reason: `a table recreate cannot rename a column while triggers or views (${[...kept.triggers, ...kept.dependents].map((o) => o.name).join(', ')}) name the table`,
        hint: 'Rename the column in its own renameColumn op (SQLite rewrites the triggers and views), apart from the ops that rebuild the table.',
      });
    }
  }
  const draft: Draft = {
    name: table.name,
    columns: table.columns.map((column) => ({
      column,
      source: column.generated === undefined ? rendering.quoteIdentifier(column.name) : undefined,
      origin: column.name,
    })),
    primaryKey: table.primaryKey,
    indexes: [...table.indexes],
    foreignKeys: [...table.foreignKeys],
    uniqueConstraints: [...table.uniqueConstraints],
    checkConstraints: [...table.checkConstraints],
  };
  for (const change of changes) applyChange(draft, change, rendering.quoteIdentifier);

  const quote = rendering.quoteIdentifier;
  const newName = `_strata_new_${table.name}`;
  // A check or generated expression may qualify columns with the table's name (drizzle-kit writes
  // `"products"."price"`); inside the new table that name is the new one, and the RENAME below
  // turns it back (SQLite 3.26+ rewrites the table's own qualified references).
  const requalify = (expression: string): string => requalifyIdentifier(expression, table.name, quote(newName));
  const statements: string[] = [
    ...kept.dependents.filter((o) => o.type === 'trigger').map((o) => `DROP TRIGGER ${quote(o.name)}`),
    ...kept.dependents.filter((o) => o.type === 'view').map((o) => `DROP VIEW ${quote(o.name)}`),
  ];
  const created = rendering.createTable({
    kind: 'createTable',
    table: newName,
    columns: draft.columns.map((entry) => {
      const collation = entry.origin === undefined ? undefined : kept.collations.get(asciiCaseKey(entry.origin));
      const column = collation === undefined ? entry.column : { ...entry.column, type: `${entry.column.type} COLLATE ${collation}` };
      return column.generated === undefined ? column : { ...column, generated: { ...column.generated, expression: requalify(column.generated.expression) } };
    }),
    ...(draft.primaryKey === undefined ? {} : { primaryKey: draft.primaryKey }),
    uniqueConstraints: draft.uniqueConstraints,
    checkConstraints: draft.checkConstraints.map((check) => ({ ...check, expression: requalify(check.expression) })),
    foreignKeys: draft.foreignKeys,
  });
  const [createStatement, ...rest] = created;
  statements.push(kept.options === '' ? (createStatement as string) : `${createStatement as string} ${kept.options}`, ...rest);

  const copied = draft.columns.filter((entry) => entry.source !== undefined && entry.column.generated === undefined);
  if (copied.length > 0) {
    const targets = copied.map((entry) => quote(entry.column.name)).join(', ');
    const sources = copied.map((entry) => entry.source).join(', ');
    statements.push(`INSERT INTO ${quote(newName)} (${targets}) SELECT ${sources} FROM ${quote(table.name)}`);
  }
  // https://www.sqlite.org/autoinc.html: the sequence row is ordinary data. DROP TABLE deletes the
  // old table's row and RENAME renames the new table's, so the old high-water mark moves across.
  if (table.columns.some((column) => column.autoIncrement === true) && draft.columns.some((entry) => entry.column.autoIncrement === true)) {
    statements.push(`DELETE FROM sqlite_sequence WHERE name = ${rendering.quoteString(newName)}`);
    statements.push(`UPDATE sqlite_sequence SET name = ${rendering.quoteString(newName)} WHERE name = ${rendering.quoteString(table.name)}`);
  }
  statements.push(`DROP TABLE ${quote(table.name)}`);
  statements.push(`ALTER TABLE ${quote(newName)} RENAME TO ${quote(table.name)}`);
  const untouched = new Set(table.indexes);
  for (const index of draft.indexes) {
    const text = untouched.has(index) ? kept.indexes.get(index.name) : undefined;
    statements.push(...(text === undefined ? rendering.createIndex(toCreateIndexOp(table.name, index)) : [text]));
  }
  // Views first: an INSTEAD OF trigger needs its view; CREATE VIEW does not check what it names.
  for (const view of kept.dependents.filter((o) => o.type === 'view')) statements.push(view.sql);
  const triggers = new Set([...kept.triggers, ...kept.dependents.filter((o) => o.type === 'trigger')]);
  for (const trigger of stored.filter((o) => triggers.has(o))) statements.push(trigger.sql);
  return statements;
}

/** What a recreate keeps from the server's stored definitions of the table and what depends on it. */
interface KeptObjects {
  /** `COLLATE` names by column name, as SQLite compares names (`asciiCaseKey`). */
  readonly collations: ReadonlyMap<string, string>;
  /** `WITHOUT ROWID`, `STRICT`, as written after the column list (empty: none). */
  readonly options: string;
  /** Index texts by index name. */
  readonly indexes: ReadonlyMap<string, string>;
  /** The table's own triggers, which DROP TABLE drops. */
  readonly triggers: readonly StoredObject[];
  /**
   * Views naming the table or such a view, and other tables' or views' triggers naming either, in
   * stored order: what the RENAME would fail on, dropped first and re-created last.
   */
  readonly dependents: readonly StoredObject[];
}

function keptObjects(table: string, stored: readonly StoredObject[]): KeptObjects {
  const same = (a: string, b: string): boolean => asciiCaseKey(a) === asciiCaseKey(b);
  const own = stored.filter((o) => same(o.table, table));
  const definition = own.find((o) => o.type === 'table');
  const names = [table];
  const dependents: StoredObject[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const candidate of stored) {
      const other = candidate.type === 'view' || (candidate.type === 'trigger' && !same(candidate.table, table));
      if (!other || dependents.includes(candidate) || !names.some((name) => mentions(candidate.sql, name))) continue;
      dependents.push(candidate);
      if (candidate.type === 'view') names.push(candidate.name);
      grew = true;
    }
  }
  return {
    ...(definition === undefined ? { collations: new Map(), options: '' } : tableExtras(definition.sql)),
    indexes: new Map(own.filter((o) => o.type === 'index').map((o) => [o.name, o.sql])),
    triggers: own.filter((o) => o.type === 'trigger'),
    dependents: stored.filter((o) => dependents.includes(o)),
  };
}

/**
 * Column collations and table options from a CREATE TABLE text
 * (https://www.sqlite.org/lang_createtable.html: `COLLATE` is a column constraint; `WITHOUT ROWID`
 * and `STRICT` follow the column list).
 */
function tableExtras(sql: string): Pick<KeptObjects, 'collations' | 'options'> {
  const tokens = tokenize(sql, SQLITE_SYNTAX);
  const open = tokens.findIndex((token) => token.kind === 'punct' && token.text === '(');
  if (open === -1) return { collations: new Map(), options: '' };
  const close = matchingParen(tokens, open);
  const collations = new Map<string, string>();
  for (const definition of splitTopLevel(tokens.slice(open + 1, close))) {
    const head = definition[0] as SqlToken;
    if (head.kind === 'word' && ['constraint', 'primary', 'unique', 'check', 'foreign'].includes(head.text)) continue;
    // The column's own COLLATE, not one inside a CHECK, DEFAULT or generated expression.
    let depth = 0;
    for (let i = 1; i < definition.length - 1; i += 1) {
      const token = definition[i] as SqlToken;
      if (token.kind === 'punct' && token.text === '(') depth += 1;
      else if (token.kind === 'punct' && token.text === ')') depth -= 1;
      else if (depth === 0 && token.kind === 'word' && token.text === 'collate') {
        const name = definition[i + 1] as SqlToken;
        collations.set(asciiCaseKey(head.raw ?? head.text), name.raw ?? name.text);
      }
    }
  }
  const options: string[] = [];
  const after = tokens.slice(close + 1).map((token) => token.text);
  if (after.includes('without')) options.push('WITHOUT ROWID');
  if (after.includes('strict')) options.push('STRICT');
  return { collations, options: options.join(', ') };
}

/**
 * The table being rebuilt; each column keeps the SQL that reads its value from the old table
 * (undefined: a new column) and the name it had there (`origin`, for its stored collation).
 */
interface Draft {
  readonly name: string;
  columns: { readonly column: ColumnModel; readonly source: string | undefined; readonly origin: string | undefined }[];
  primaryKey: PrimaryKeyModel | undefined;
  indexes: IndexModel[];
  foreignKeys: ForeignKeyModel[];
  uniqueConstraints: UniqueConstraintModel[];
  checkConstraints: CheckConstraintModel[];
}

/** Applies one change to the draft, the way the server's ALTER would. */
function applyChange(draft: Draft, change: RecreateChange, quote: (name: string) => string): void {
  const missing = (target: string): RecreateTargetMissingError =>
    new RecreateTargetMissingError({ dialect: 'sqlite', kind: change.kind, table: draft.name, target });
  const requireColumn = (name: string): void => {
    if (!draft.columns.some((entry) => entry.column.name === name)) throw missing(`column "${name}"`);
  };
  const requireNamed = (list: readonly { readonly name: string }[], name: string, what: string): void => {
    if (!list.some((item) => item.name === name)) throw missing(`${what} "${name}"`);
  };

  switch (change.kind) {
    case 'addColumn':
      draft.columns.push({ column: toColumnModel(change.column), source: undefined, origin: undefined });
      return;
    case 'dropColumn': {
      requireColumn(change.column);
      const column = change.column;
      draft.columns = draft.columns.filter((entry) => entry.column.name !== column);
      if (draft.primaryKey?.columns.includes(column) === true) draft.primaryKey = undefined;
      draft.indexes = draft.indexes.filter((index) => !indexMentions(index, column));
      draft.foreignKeys = draft.foreignKeys.filter((foreignKey) => !foreignKey.columns.includes(column));
      draft.uniqueConstraints = draft.uniqueConstraints.filter((unique) => !unique.columns.includes(column));
      draft.checkConstraints = draft.checkConstraints.filter((check) => !mentions(check.expression, column));
      return;
    }
    case 'alterColumn': {
      requireColumn(change.column);
      draft.columns = draft.columns.map((entry) => {
        if (entry.column.name !== change.column) return entry;
        const { default: previousDefault, ...rest } = entry.column;
        const nextDefault = change.default === undefined ? previousDefault : (change.default ?? undefined);
        return {
          column: {
            ...rest,
            type: change.type ?? rest.type,
            nullable: change.nullable ?? rest.nullable,
            ...(nextDefault === undefined ? {} : { default: nextDefault }),
          },
          source: change.using === undefined ? entry.source : `(${change.using})`,
          origin: entry.origin,
        };
      });
      return;
    }
    case 'renameColumn': {
      requireColumn(change.column);
      const rename = (name: string): string => (name === change.column ? change.to : name);
      const renameIn = (expression: string): string => renameIdentifier(expression, change.column, quote(change.to));
      draft.columns = draft.columns.map((entry) => ({
        column: {
          ...entry.column,
          name: rename(entry.column.name),
          ...(entry.column.generated === undefined
            ? {}
            : { generated: { ...entry.column.generated, expression: renameIn(entry.column.generated.expression) } }),
        },
        source: entry.source,
        origin: entry.origin,
      }));
      if (draft.primaryKey !== undefined) draft.primaryKey = { ...draft.primaryKey, columns: draft.primaryKey.columns.map(rename) };
      draft.indexes = draft.indexes.map((index) => !indexMentions(index, change.column) ? index : ({
        ...index,
        parts: index.parts.map((part) => ('column' in part ? { ...part, column: rename(part.column) } : { ...part, expression: renameIn(part.expression) })),
        ...(index.where === undefined ? {} : { where: renameIn(index.where) }),
      }));
      draft.foreignKeys = draft.foreignKeys.map((foreignKey) => ({
        ...foreignKey,
        columns: foreignKey.columns.map(rename),
        // A self-reference names the renamed column on both sides.
        referencedColumns: foreignKey.referencedTable === draft.name ? foreignKey.referencedColumns.map(rename) : foreignKey.referencedColumns,
      }));
      draft.uniqueConstraints = draft.uniqueConstraints.map((unique) => ({ ...unique, columns: unique.columns.map(rename) }));
      draft.checkConstraints = draft.checkConstraints.map((check) => ({ ...check, expression: renameIn(check.expression) }));
      return;
    }
    case 'createIndex':
      draft.indexes.push({
        name: change.name,
        parts: change.columns.map((part) => toIndexPart(part)),
        unique: change.unique === true,
        ...(change.where === undefined ? {} : { where: change.where }),
        ...(change.method === undefined ? {} : { method: change.method }),
      });
      return;
    case 'dropIndex':
      requireNamed(draft.indexes, change.name, 'index');
      draft.indexes = draft.indexes.filter((index) => index.name !== change.name);
      return;
    case 'createForeignKey':
      draft.foreignKeys.push({
        ...change.foreignKey,
        onDelete: change.foreignKey.onDelete ?? 'no action',
        onUpdate: change.foreignKey.onUpdate ?? 'no action',
      });
      return;
    case 'dropForeignKey':
      requireNamed(draft.foreignKeys, change.name, 'foreign key');
      draft.foreignKeys = draft.foreignKeys.filter((foreignKey) => foreignKey.name !== change.name);
      return;
    case 'createUniqueConstraint':
      draft.uniqueConstraints.push(toUniqueConstraintModel(change.constraint));
      return;
    case 'dropUniqueConstraint':
      requireNamed(draft.uniqueConstraints, change.name, 'unique constraint');
      draft.uniqueConstraints = draft.uniqueConstraints.filter((unique) => unique.name !== change.name);
      return;
    case 'createCheckConstraint':
      draft.checkConstraints.push(change.constraint);
      return;
    case 'dropCheckConstraint':
      requireNamed(draft.checkConstraints, change.name, 'check constraint');
      draft.checkConstraints = draft.checkConstraints.filter((check) => check.name !== change.name);
      return;
    case 'createPrimaryKey':
      if (draft.primaryKey !== undefined) {
        throw new UnsupportedOperationError({
          dialect: 'sqlite',
          kind: change.kind,
          table: draft.name,
          reason: 'the table already has a primary key',
          hint: 'Drop the primary key first (dropPrimaryKey).',
        });
      }
      draft.primaryKey = change.primaryKey;
      return;
    case 'dropPrimaryKey': {
      const primaryKey = draft.primaryKey;
      if (primaryKey === undefined) throw missing('primary key');
      draft.primaryKey = undefined;
      // AUTOINCREMENT exists only on an INTEGER PRIMARY KEY (https://www.sqlite.org/autoinc.html): it goes with the key.
      draft.columns = draft.columns.map((entry) => {
        if (!primaryKey.columns.includes(entry.column.name) || entry.column.autoIncrement !== true) return entry;
        const { autoIncrement: _dropped, ...column } = entry.column;
        return { column, source: entry.source, origin: entry.origin };
      });
      return;
    }
    case 'renameIndex':
      requireNamed(draft.indexes, change.name, 'index');
      draft.indexes = draft.indexes.map((index) => (index.name === change.name ? { ...index, name: change.to } : index));
      return;
    case 'renameConstraint': {
      // SQLite keeps constraint names only in the table's CREATE TABLE text: the recreate writes the new one.
      const rename = <T extends { readonly name: string }>(item: T): T => (item.name === change.name ? { ...item, name: change.to } : item);
      requireNamed([...draft.uniqueConstraints, ...draft.checkConstraints, ...draft.foreignKeys], change.name, 'constraint');
      draft.uniqueConstraints = draft.uniqueConstraints.map(rename);
      draft.checkConstraints = draft.checkConstraints.map(rename);
      draft.foreignKeys = draft.foreignKeys.map(rename);
      return;
    }
    default:
      assertNever(change);
  }
}

/** The model of a column an op declares (`nullable` defaults to true; the primaryKey shorthand is not a column fact). */
function toColumnModel(definition: ColumnDefinition): ColumnModel {
  const { primaryKey: _shorthand, nullable, ...column } = definition;
  return { ...column, nullable: nullable ?? true };
}

/**
 * Whether `ALTER TABLE … ADD COLUMN` can add the column: not NOT NULL without a non-NULL default, no
 * expression or CURRENT_* default, not a stored generated column
 * (https://www.sqlite.org/lang_altertable.html#altertabaddcol).
 */
function addableInPlace(column: ColumnDefinition): boolean {
  if (column.generated?.stored === true) return false;
  if (column.default !== undefined) {
    const rendered = literalOrParenthesized(column.default);
    if (rendered.startsWith('(') || /^current_/i.test(rendered)) return false;
  }
  const hasDefault = column.default !== undefined && !/^null$/i.test(column.default.trim());
  return column.nullable !== false || hasDefault;
}

/**
 * Whether the native DROP COLUMN would refuse the column: it is in the primary key, a unique
 * constraint, an index, a foreign key, a check or a generated column's expression
 * (https://www.sqlite.org/lang_altertable.html#altertabdropcol).
 */
function isReferenced(table: TableModel, column: string): boolean {
  return (
    table.primaryKey?.columns.includes(column) === true ||
    table.uniqueConstraints.some((unique) => unique.columns.includes(column)) ||
    table.indexes.some((index) => indexMentions(index, column)) ||
    table.foreignKeys.some((foreignKey) => foreignKey.columns.includes(column)) ||
    table.checkConstraints.some((check) => mentions(check.expression, column)) ||
    table.columns.some((other) => other.generated !== undefined && mentions(other.generated.expression, column))
  );
}

function indexMentions(index: IndexModel, column: string): boolean {
  return (
    index.parts.some((part) => ('column' in part ? part.column === column : mentions(part.expression, column))) ||
    (index.where !== undefined && mentions(index.where, column))
  );
}

/**
 * String literals, numbers, and identifiers (bare, "quoted", `backticked` or [bracketed]) in an SQL
 * expression. Identifier groups: 1 double-quoted, 2 backticked, 3 bracketed, 4 bare.
 */
const TOKEN = /'(?:[^']|'')*'|\d+(?:\.\d*)?(?:e[+-]?\d+)?|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|([A-Za-z_][A-Za-z0-9_$]*)/gi;

/**
 * The lowercased identifier a token's groups name, or undefined for a literal. Lowercased as the model's
 * expressions are (`sql-expression.ts`), which they are compared with.
 */
function nameOf(quoted: string | undefined, backticked: string | undefined, bracketed: string | undefined, bare: string | undefined): string | undefined {
  return (quoted?.replaceAll('""', '"') ?? backticked?.replaceAll('``', '`') ?? bracketed ?? bare)?.toLowerCase();
}

/** Whether an expression names the column (SQLite identifiers are case-insensitive). */
function mentions(expression: string, column: string): boolean {
  const wanted = column.toLowerCase();
  return [...expression.matchAll(TOKEN)].some((match) => nameOf(match[1], match[2], match[3], match[4]) === wanted);
}

/** The expression with every reference to `from` replaced by `quotedTo`; string literals untouched. */
function renameIdentifier(expression: string, from: string, quotedTo: string): string {
  const wanted = from.toLowerCase();
  return expression.replaceAll(
    TOKEN,
    (text: string, quoted?: string, backticked?: string, bracketed?: string, bare?: string) =>
      nameOf(quoted, backticked, bracketed, bare) === wanted ? quotedTo : text,
  );
}

/** The expression with `table.` qualifiers (any quoting) naming `quotedTo` instead; string literals untouched. */
function requalifyIdentifier(expression: string, table: string, quotedTo: string): string {
  const wanted = table.toLowerCase();
  return expression.replaceAll(TOKEN, (text: string, quoted: string | undefined, backticked: string | undefined, bracketed: string | undefined, bare: string | undefined, offset: number) =>
    nameOf(quoted, backticked, bracketed, bare) === wanted && /^\s*\./.test(expression.slice(offset + text.length)) ? quotedTo : text,
  );
}
