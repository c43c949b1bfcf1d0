import type { Connection } from '../dialects/connection.js';
import type { SchemaSupport } from '../dialects/dialect.js';
import type { SchemaNormalizer } from '../dialects/renderer.js';
import { toViewModel } from '../schema/stated.js';
import {
  applyToModel,
  toColumnModel,
  toForeignKeyModel,
  toIndexModel,
  toCheckConstraintModel,
  toPolicyModel,
  toTableModel,
  toUniqueConstraintModel,
} from '../ops/apply-to-model.js';
import { TableMissingError } from '../ops/errors.js';
import { serverName, withServerNames } from '../ops/server-names.js';
import { asciiCaseKey, type IdentifierLimit } from '../schema/identifiers.js';
import { TableMap } from '../schema/table-map.js';
import type {
  CheckDefinition,
  ColumnDefinition,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePolicyOp,
  CreateTableOp,
  CreateUniqueConstraintOp,
  ForeignKeyDefinition,
  Op,
  PolicyDefinition,
  PrimaryKeyDefinition,
  UniqueDefinition,
} from '../ops/op.js';
import type {
  CheckConstraintModel,
  ColumnModel,
  EnumModel,
  ForeignKeyModel,
  IndexModel,
  PolicyModel,
  PrimaryKeyModel,
  RoleModel,
  SchemaModel,
  StoredObject,
  TableModel,
  UniqueConstraintModel,
} from '../schema/model.js';
import {
  describeCheckConstraint,
  describeColumn,
  describeEnum,
  describeForeignKey,
  describeIndex,
  describePolicy,
  describePrimaryKey,
  describeRole,
  describeTableColumns,
  describeUniqueConstraint,
} from './describe.js';
import type { GuardDifference, IndexDescription, Inspector } from './inspector.js';

/** Ops after which `SchemaModel.stored` may name what no longer exists under that name. */
const RENAMES_OR_DROPS: ReadonlySet<Op['kind']> = new Set(['renameTable', 'renameColumn', 'dropTable', 'dropColumn']);

/**
 * `stored` without the objects a dropped `table` takes with it: itself, its indexes and triggers.
 * Names compare as SQLite (the one dialect with stored texts) compares them: ASCII letters case-blind.
 */
function withoutTable(stored: readonly StoredObject[], table: string): StoredObject[] {
  const dropped = asciiCaseKey(table);
  return stored.filter((object) => object.type === 'view' || asciiCaseKey(object.table) !== dropped);
}

/**
 * Where a {@link SchemaInspector} gets its model: one full reflection of a live database, or a model
 * replayed from the stream's revisions.
 *
 * @example
 * ```ts
 * import { emptySchema } from '@strata/engine';
 * import type { SchemaSource } from '@strata/engine';
 * const source: SchemaSource = { load: async () => emptySchema() };
 * ```
 */
export interface SchemaSource {
  /** Reads the whole schema as it is now. */
  load(): Promise<SchemaModel>;
  /**
   * Reads one role from the server, where roles live outside the schema (PostgreSQL: cluster-wide,
   * so `load` never reads them). Without it, roles are the model's `roles`.
   */
  role?(name: string): Promise<RoleModel | undefined>;
}

/**
 * A live database as a {@link SchemaSource}: each load is one `readSchema` (a few batched queries).
 *
 * @example
 * ```ts
 * import { liveSchemaSource } from '@strata/engine';
 * import type { Connection, SchemaSupport } from '@strata/engine';
 * declare const schema: SchemaSupport, connection: Connection;
 * const source = liveSchemaSource(schema, connection);
 * ```
 */
export function liveSchemaSource(support: Pick<SchemaSupport, 'readSchema' | 'readRoles' | 'readStored'>, connection: Connection): SchemaSource {
  const readRoles = support.readRoles?.bind(support);
  const readStored = support.readStored?.bind(support);
  return {
    load: async () => {
      const schema = await support.readSchema(connection);
      return readStored === undefined ? schema : { ...schema, stored: await readStored(connection) };
    },
    ...(readRoles !== undefined ? { role: async (name: string) => (await readRoles(connection, [name])).get(name) } : {}),
  };
}

/**
 * A schema model as a {@link SchemaSource} (offline SQL, autogenerate's previous state): every load
 * returns the model as given.
 *
 * @example
 * ```ts
 * import { emptySchema, modelSchemaSource } from '@strata/engine';
 * const source = modelSchemaSource(emptySchema());
 * ```
 */
export function modelSchemaSource(model: SchemaModel): SchemaSource {
  return { load: async () => model };
}

/**
 * How a {@link SchemaInspector} normalizes definitions and reports guard differences.
 *
 * @example
 * ```ts
 * import type { SchemaInspectorOptions, SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * const options: SchemaInspectorOptions = { normalizer, onDifference: (d) => console.warn(`${d.name}: expected ${d.expected}, found ${d.actual}`) };
 * ```
 */
export interface SchemaInspectorOptions {
  /** The dialect's canonical spellings; definitions given to `has*` go through it before comparing. */
  readonly normalizer: SchemaNormalizer;
  /** Called when a guard finds its object under a different definition (the guard still answers true). */
  readonly onDifference?: (difference: GuardDifference) => void;
}

/**
 * The {@link Inspector} behind every guard, over a {@link SchemaSource}. It loads the schema once, on
 * first use, and answers every question from that model. `apply(op)` replays an operation that
 * just ran into the cached model, so a guard after an op costs no round trip; `invalidate()` drops
 * the cache after raw SQL, whose effect the model cannot see. `loads` counts reflections.
 *
 * The `has*` methods answer existence. Given a full definition, they also compare the existing
 * object with it (after normalizing the definition): a difference goes to `onDifference` and the
 * answer is still true, since the object exists and the guarded op must be skipped. Names match
 * exactly: the model holds them as the database stores them. The lists (`columns(t)`...) throw
 * `OPS_TABLE_MISSING` for a table that does not exist, as SQLAlchemy's inspector does; `has*` and
 * `table()` answer false/undefined instead.
 *
 * @example
 * ```ts
 * import { SchemaInspector, liveSchemaSource } from '@strata/engine';
 * import type { Connection, SchemaSupport } from '@strata/engine';
 * declare const schema: SchemaSupport, connection: Connection;
 * const inspect = new SchemaInspector(liveSchemaSource(schema, connection), { normalizer: schema.normalizer });
 * if (!(await inspect.hasColumn('clients', 'status'))) {
 *   // run addColumn, then:
 *   await inspect.apply({ kind: 'addColumn', table: 'clients', column: { name: 'status', type: 'varchar(20)' } });
 * }
 * ```
 */
export class SchemaInspector implements Inspector {
  readonly #source: SchemaSource;
  readonly #normalizer: SchemaNormalizer;
  readonly #limit: IdentifierLimit | undefined;
  readonly #onDifference: ((difference: GuardDifference) => void) | undefined;
  #current: SchemaModel | undefined;
  #loading: Promise<SchemaModel> | undefined;
  /** Bumped by `invalidate()`, so that a load started before it does not fill the cache. */
  #generation = 0;
  #loads = 0;

  constructor(source: SchemaSource, options: SchemaInspectorOptions) {
    this.#source = source;
    this.#normalizer = options.normalizer;
    this.#limit = options.normalizer.identifierLimit;
    this.#onDifference = options.onDifference;
  }

  /** How many times the source was loaded (reflections of a live database). */
  get loads(): number {
    return this.#loads;
  }

  /** The schema as it is now: the cached model, loaded on first use. */
  async model(): Promise<SchemaModel> {
    if (this.#current !== undefined) return this.#current;
    this.#loading ??= this.#load();
    return this.#loading;
  }

  /**
   * Replays an operation that has just run into the cached model (`applyToModel`). With nothing
   * cached there is nothing to update: the next load reads the schema with the op's effect. When the
   * op cannot apply to the model, its error is thrown and the cache is left as it was.
   */
  async apply(op: Op): Promise<void> {
    if (this.#current === undefined && this.#loading === undefined) return;
    // A source that reads roles from the server is asked each time (`hasRole`): the model holds none.
    if (this.#source.role !== undefined && (op.kind === 'createRole' || op.kind === 'dropRole')) return;
    const generation = this.#generation;
    const current = await this.model();
    if (generation !== this.#generation) return;
    const next = applyToModel(current, op, this.#normalizer);
    if (current.stored === undefined || !RENAMES_OR_DROPS.has(op.kind)) this.#current = next;
    // A dropped table takes its own indexes and triggers with it and rewrites no other text (a view
    // naming it stays as written): the stored texts follow exactly, and a downgrade of many dropped
    // tables reflects the schema once, not once per table.
    else if (op.kind === 'dropTable') this.#current = { ...next, stored: withoutTable(current.stored, this.#name(op.table)) };
    // The server rewrites stored definitions that name a renamed object, and a dropped column's
    // table: the next question reads them again rather than trust old text.
    else this.invalidate();
  }

  /** Drops the cached model: the next question loads the source again (after a raw `execute`). */
  invalidate(): void {
    this.#generation += 1;
    this.#current = undefined;
    this.#loading = undefined;
  }

  async #load(): Promise<SchemaModel> {
    const generation = this.#generation;
    try {
      const loaded = await this.#source.load();
      // Held as a TableMap, each op replayed into it costs the same however many tables there are.
      const model = loaded.tables instanceof TableMap ? loaded : { ...loaded, tables: TableMap.from(loaded.tables) };
      this.#loads += 1;
      if (generation === this.#generation) this.#current = model;
      return model;
    } finally {
      if (generation === this.#generation) this.#loading = undefined;
    }
  }

  async #requireTable(name: string): Promise<TableModel> {
    const table = (await this.model()).tables.get(this.#name(name));
    if (table === undefined) throw new TableMissingError(name, 'inspect');
    return table;
  }

  /**
   * A name as the server keeps it, so a lookup by the name a revision gives finds the object the
   * op made under its cut name (`ops/server-names.ts`).
   */
  #name(name: string): string {
    return serverName(name, this.#limit);
  }

  /** The names inside `op`'s definition as the server keeps them, for comparing with what exists. */
  #named<T extends Op>(op: T): T {
    return withServerNames(op, this.#limit) as T;
  }

  /** Reports a difference when the two descriptions differ. @internal */
  #compare(object: GuardDifference['object'], table: string | undefined, name: string, expected: string, actual: string): void {
    if (expected !== actual) this.#onDifference?.({ object, ...(table !== undefined ? { table } : {}), name, expected, actual });
  }

  async tables(): Promise<string[]> {
    return [...(await this.model()).tables.keys()];
  }

  async table(name: string): Promise<TableModel | undefined> {
    return (await this.model()).tables.get(this.#name(name));
  }

  async columns(table: string): Promise<ColumnModel[]> {
    return [...(await this.#requireTable(table)).columns];
  }

  async indexes(table: string): Promise<IndexModel[]> {
    return [...(await this.#requireTable(table)).indexes];
  }

  async foreignKeys(table: string): Promise<ForeignKeyModel[]> {
    return [...(await this.#requireTable(table)).foreignKeys];
  }

  async uniqueConstraints(table: string): Promise<UniqueConstraintModel[]> {
    return [...(await this.#requireTable(table)).uniqueConstraints];
  }

  async checkConstraints(table: string): Promise<CheckConstraintModel[]> {
    return [...(await this.#requireTable(table)).checkConstraints];
  }

  async primaryKey(table: string): Promise<PrimaryKeyModel | undefined> {
    return (await this.#requireTable(table)).primaryKey;
  }

  async enums(): Promise<EnumModel[]> {
    return [...(await this.model()).enums.values()];
  }

  /**
   * Whether the table exists. With `like` (the columns a `createTable` declares, and its primary
   * key), each declared column is compared with the existing one of that name (as `createTable`
   * would make it: primary key columns NOT NULL); the table's other columns are not a difference,
   * since later revisions may have added them.
   */
  async hasTable(
    name: string,
    like?: { readonly columns: readonly ColumnDefinition[]; readonly primaryKey?: PrimaryKeyDefinition },
  ): Promise<boolean> {
    const table = await this.table(name);
    if (table === undefined) return false;
    if (like !== undefined) {
      const named = this.#named<CreateTableOp>({ kind: 'createTable', table: name, columns: like.columns, ...(like.primaryKey ? { primaryKey: like.primaryKey } : {}) });
      const expected = toTableModel(named, this.#normalizer);
      const actual = expected.columns.map((c) => [c.name, table.columns.find((e) => e.name === c.name)] as const);
      this.#compare(
        'table',
        undefined,
        name,
        describeTableColumns(name, expected.columns.map((c) => [c.name, c] as const)),
        describeTableColumns(name, actual),
      );
    }
    return true;
  }

  async hasColumn(table: string, column: string | ColumnDefinition): Promise<boolean> {
    const name = this.#name(typeof column === 'string' ? column : column.name);
    const existing = (await this.table(table))?.columns.find((c) => c.name === name);
    if (existing === undefined) return false;
    if (typeof column !== 'string') {
      this.#compare('column', table, name, describeColumn(toColumnModel({ ...column, name }, this.#normalizer)), describeColumn(existing));
    }
    return true;
  }

  /** See {@link Inspector.hasIndex}: an INVALID index answers false. */
  async hasIndex(table: string, index: string | IndexDescription): Promise<boolean> {
    const name = this.#name(typeof index === 'string' ? index : index.name);
    const found = await this.table(table);
    let existing = found?.indexes.find((i) => i.name === name);
    if (existing === undefined && this.#normalizer.uniqueIndexIsConstraint === true) {
      // MySQL: a unique index on plain columns is read back as a unique constraint of the same name.
      const unique = found?.uniqueConstraints.find((u) => u.name === name);
      if (unique !== undefined) existing = { name, parts: unique.columns.map((column) => ({ column })), unique: true };
    }
    // An INVALID index (a failed concurrent build) is not there for the guard: the create repairs it.
    if (existing === undefined || existing.valid === false) return false;
    if (typeof index !== 'string') {
      const named = this.#named<CreateIndexOp>({ kind: 'createIndex', table, ...index });
      this.#compare('index', table, name, describeIndex(toIndexModel(named, this.#normalizer)), describeIndex(existing));
    }
    return true;
  }

  async hasForeignKey(table: string, foreignKey: string | ForeignKeyDefinition): Promise<boolean> {
    const name = this.#name(typeof foreignKey === 'string' ? foreignKey : foreignKey.name);
    const existing = (await this.table(table))?.foreignKeys.find((f) => f.name === name);
    if (existing === undefined) return false;
    if (typeof foreignKey !== 'string') {
      this.#compare('foreignKey', table, name, describeForeignKey(toForeignKeyModel(this.#named<CreateForeignKeyOp>({ kind: 'createForeignKey', table, foreignKey }).foreignKey)), describeForeignKey(existing));
    }
    return true;
  }

  async hasUniqueConstraint(table: string, constraint: string | UniqueDefinition): Promise<boolean> {
    const name = this.#name(typeof constraint === 'string' ? constraint : constraint.name);
    const existing = (await this.table(table))?.uniqueConstraints.find((u) => u.name === name);
    if (existing === undefined) return false;
    if (typeof constraint !== 'string') {
      this.#compare('uniqueConstraint', table, name, describeUniqueConstraint(toUniqueConstraintModel(this.#named<CreateUniqueConstraintOp>({ kind: 'createUniqueConstraint', table, constraint }).constraint)), describeUniqueConstraint(existing));
    }
    return true;
  }

  async hasCheckConstraint(table: string, constraint: string | CheckDefinition): Promise<boolean> {
    const name = this.#name(typeof constraint === 'string' ? constraint : constraint.name);
    const existing = (await this.table(table))?.checkConstraints.find((c) => c.name === name);
    if (existing === undefined) return false;
    if (typeof constraint !== 'string') {
      this.#compare(
        'checkConstraint',
        table,
        name,
        describeCheckConstraint(toCheckConstraintModel({ ...constraint, name }, this.#normalizer)),
        describeCheckConstraint(existing),
      );
    }
    return true;
  }

  /** Whether the table has a constraint of that name, of any kind: primary key, unique, check or foreign key. */
  async hasConstraint(table: string, given: string): Promise<boolean> {
    const existing = await this.table(table);
    if (existing === undefined) return false;
    const name = this.#name(given);
    return (
      existing.primaryKey?.name === name ||
      [...existing.uniqueConstraints, ...existing.checkConstraints, ...existing.foreignKeys].some((constraint) => constraint.name === name)
    );
  }

  /** Whether the table has a primary key; with `columns`, a key on other columns is a difference. */
  async hasPrimaryKey(table: string, columns?: readonly string[]): Promise<boolean> {
    const existing = (await this.table(table))?.primaryKey;
    if (existing === undefined) return false;
    if (columns !== undefined) {
      this.#compare(
        'primaryKey',
        table,
        existing.name ?? 'PRIMARY KEY',
        describePrimaryKey({ columns: columns.map((column) => this.#name(column)) }),
        describePrimaryKey({ columns: existing.columns }),
      );
    }
    return true;
  }

  /** Whether the enum exists; with `values`, other values or another order is a difference. */
  async hasEnum(given: string, values?: readonly string[]): Promise<boolean> {
    const name = this.#name(given);
    const existing = (await this.model()).enums.get(name);
    if (existing === undefined) return false;
    if (values !== undefined) this.#compare('enum', undefined, name, describeEnum({ name, values }), describeEnum(existing));
    return true;
  }

  async hasEnumValue(name: string, value: string): Promise<boolean> {
    return (await this.model()).enums.get(this.#name(name))?.values.includes(value) ?? false;
  }

  async policies(table: string): Promise<PolicyModel[]> {
    return [...((await this.#requireTable(table)).policies ?? [])];
  }

  async hasPolicy(table: string, policy: string | PolicyDefinition): Promise<boolean> {
    const name = this.#name(typeof policy === 'string' ? policy : policy.name);
    const existing = (await this.table(table))?.policies?.find((p) => p.name === name);
    if (existing === undefined) return false;
    if (typeof policy !== 'string') this.#compare('policy', table, name, describePolicy(toPolicyModel(this.#named<CreatePolicyOp>({ kind: 'createPolicy', table, policy }).policy, this.#normalizer)), describePolicy(existing));
    return true;
  }

  async hasRowLevelSecurity(table: string): Promise<boolean> {
    return (await this.table(table))?.rowLevelSecurity?.enabled ?? false;
  }

  async hasRole(given: string, options?: { readonly createDb?: boolean; readonly createRole?: boolean; readonly inherit?: boolean }): Promise<boolean> {
    const name = this.#name(given);
    const existing = this.#source.role !== undefined ? await this.#source.role(name) : (await this.model()).roles?.get(name);
    if (existing === undefined) return false;
    if (options !== undefined) {
      const expected = { name, createDb: options.createDb ?? false, createRole: options.createRole ?? false, inherit: options.inherit ?? true };
      this.#compare('role', undefined, name, describeRole(expected), describeRole(existing));
    }
    return true;
  }

  async hasSequence(name: string): Promise<boolean> {
    return (await this.model()).sequences?.has(this.#name(name)) ?? false;
  }

  async hasView(name: string): Promise<boolean> {
    return (await this.model()).views?.has(this.#name(name)) ?? false;
  }

  async hasViewAs(name: string, definition: string): Promise<boolean> {
    const existing = (await this.model()).views?.get(this.#name(name));
    return existing !== undefined && existing.definition === toViewModel({ name, definition }, this.#normalizer).definition;
  }

  async hasSchema(name: string): Promise<boolean> {
    return (await this.model()).schemas?.includes(this.#name(name)) ?? false;
  }
}
