import type { CheckDefinition, ColumnDefinition, ForeignKeyDefinition, IndexColumn, PolicyDefinition, StorageParameter, UniqueDefinition } from '../ops/op.js';
import type {
  CheckConstraintModel,
  ColumnModel,
  EnumModel,
  ForeignKeyModel,
  IndexModel,
  PolicyModel,
  PrimaryKeyModel,
  TableModel,
  UniqueConstraintModel,
} from '../schema/model.js';

/** An index as a guard may describe it, to compare with the one that exists. */
export interface IndexDescription {
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  readonly unique?: boolean;
  readonly where?: string;
  readonly method?: string;
  readonly with?: Readonly<Record<string, StorageParameter>>;
  /** How the index is built, not what it is: never compared. */
  readonly concurrently?: boolean;
}

/**
 * A guard found the object it checks for, but not as the revision describes it: the operation it
 * guards is skipped and the difference reported (a warning; an error with `--strict`).
 */
export interface GuardDifference {
  readonly object: 'table' | 'column' | 'index' | 'foreignKey' | 'uniqueConstraint' | 'checkConstraint' | 'primaryKey' | 'enum' | 'policy' | 'role';
  readonly table?: string;
  readonly name: string;
  /** The definition the revision asked for, in the dialect's canonical SQL-ish text. */
  readonly expected: string;
  /** The definition that exists, same form. */
  readonly actual: string;
}

/**
 * What guards ask before they act (the seed's `inspector.get_columns(...)` pattern). One interface,
 * two implementations: a live database (cached reflection, kept current as operations run) and an
 * in-memory schema model (offline SQL, autogenerate's previous state). They must agree.
 *
 * The `has*` methods take either a name or the full definition the revision is about to create: with
 * a definition, an existing object that differs is reported as a {@link GuardDifference}.
 */
export interface Inspector {
  tables(): Promise<string[]>;
  table(name: string): Promise<TableModel | undefined>;
  columns(table: string): Promise<ColumnModel[]>;
  indexes(table: string): Promise<IndexModel[]>;
  foreignKeys(table: string): Promise<ForeignKeyModel[]>;
  uniqueConstraints(table: string): Promise<UniqueConstraintModel[]>;
  checkConstraints(table: string): Promise<CheckConstraintModel[]>;
  primaryKey(table: string): Promise<PrimaryKeyModel | undefined>;
  enums(): Promise<EnumModel[]>;

  hasTable(name: string, like?: { readonly columns: readonly ColumnDefinition[] }): Promise<boolean>;
  hasColumn(table: string, column: string | ColumnDefinition): Promise<boolean>;
  /**
   * Whether the table has a usable index of that name. An INVALID index (PostgreSQL: what a failed
   * or killed `CREATE INDEX CONCURRENTLY` leaves, `valid: false` in {@link Inspector.indexes}) answers
   * false, so the guarded `if (!(await inspect.hasIndex(t, ix))) await op.createIndex(ix, t, …)` runs
   * the create again, and `createIndex` drops the INVALID index before it builds (concurrently when
   * the op is). A guarded `dropIndex` skips an INVALID index for the same reason; `indexes(t)` lists it.
   */
  hasIndex(table: string, index: string | IndexDescription): Promise<boolean>;
  hasForeignKey(table: string, foreignKey: string | ForeignKeyDefinition): Promise<boolean>;
  hasUniqueConstraint(table: string, constraint: string | UniqueDefinition): Promise<boolean>;
  hasCheckConstraint(table: string, constraint: string | CheckDefinition): Promise<boolean>;
  hasPrimaryKey(table: string, columns?: readonly string[]): Promise<boolean>;
  /** Whether the table has a primary key, unique, check or foreign key constraint of that name (what `renameConstraint` renames). */
  hasConstraint(table: string, name: string): Promise<boolean>;
  hasEnum(name: string, values?: readonly string[]): Promise<boolean>;
  hasEnumValue(name: string, value: string): Promise<boolean>;
  /** The table's row-level security policies (PostgreSQL; empty elsewhere). */
  policies(table: string): Promise<PolicyModel[]>;
  /** Whether the table has the policy; with a definition, a different policy of that name is a difference. */
  hasPolicy(table: string, policy: string | PolicyDefinition): Promise<boolean>;
  /** Whether row-level security is enabled on the table. */
  hasRowLevelSecurity(table: string): Promise<boolean>;
  /** Whether the role exists (live: anywhere on the server, roles being cluster-wide); with options, other options are a difference. */
  hasRole(name: string, options?: { readonly createDb?: boolean; readonly createRole?: boolean; readonly inherit?: boolean }): Promise<boolean>;
  /** Whether the standalone sequence exists (PostgreSQL; false elsewhere). */
  hasSequence(name: string): Promise<boolean>;
  /** Whether the view or materialized view exists (PostgreSQL; false elsewhere). */
  hasView(name: string): Promise<boolean>;
  /**
   * Whether the view exists with this query, compared as the model compares queries (the dialect's
   * view normalization); no difference is reported. Guards the drop of a view a revision recreates.
   */
  hasViewAs(name: string, definition: string): Promise<boolean>;
  /** Whether the PostgreSQL schema (namespace) exists; false elsewhere, and for the default schema's name. */
  hasSchema(name: string): Promise<boolean>;
}
