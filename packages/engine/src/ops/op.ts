import type { ColumnModel, ForeignKeyAction, GeneratedColumn, PolicyCommand } from '../schema/model.js';

/**
 * The operation vocabulary: plain readonly data with a `kind`. The runner renders and executes an
 * op, offline mode prints it, autogenerate produces it, `applyToModel` replays it into a schema model
 * and `reverseOp` derives its inverse. Every op is one schema change on one object.
 */

/** A column as an operation declares it (the model's column; `nullable` defaults to true). */
export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
  readonly default?: string;
  readonly autoIncrement?: boolean;
  readonly generated?: GeneratedColumn;
  /** Shorthand for a one-column primary key (createTable only). */
  readonly primaryKey?: boolean;
}

/** An index part as written in a revision: a column name, or `{ expression }`. */
export type IndexColumn = string | { readonly expression: string };

export interface ForeignKeyDefinition {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete?: ForeignKeyAction;
  readonly onUpdate?: ForeignKeyAction;
}

export interface UniqueDefinition {
  readonly name: string;
  readonly columns: readonly string[];
}

export interface CheckDefinition {
  readonly name: string;
  readonly expression: string;
}

export interface PrimaryKeyDefinition {
  readonly name?: string;
  readonly columns: readonly string[];
}

export interface CreateTableOp {
  readonly kind: 'createTable';
  readonly table: string;
  readonly columns: readonly ColumnDefinition[];
  readonly primaryKey?: PrimaryKeyDefinition;
  readonly uniqueConstraints?: readonly UniqueDefinition[];
  readonly checkConstraints?: readonly CheckDefinition[];
  readonly foreignKeys?: readonly ForeignKeyDefinition[];
}
export interface DropTableOp {
  readonly kind: 'dropTable';
  readonly table: string;
}
export interface RenameTableOp {
  readonly kind: 'renameTable';
  readonly table: string;
  readonly to: string;
}
export interface AddColumnOp {
  readonly kind: 'addColumn';
  readonly table: string;
  readonly column: ColumnDefinition;
}
export interface DropColumnOp {
  readonly kind: 'dropColumn';
  readonly table: string;
  readonly column: string;
}
/** Changes one column's type, nullability and/or default; fields left out stay as they are. */
export interface AlterColumnOp {
  readonly kind: 'alterColumn';
  readonly table: string;
  readonly column: string;
  readonly type?: string;
  /** PostgreSQL's `USING` expression for a type change the server cannot cast implicitly. */
  readonly using?: string;
  readonly nullable?: boolean;
  /** A new default expression, or `null` to drop the default. */
  readonly default?: string | null;
  /**
   * The column as it is before the change. MySQL restates the whole column in `MODIFY`, and a
   * SQLite recreate needs it; the runner fills it from the inspector when a revision leaves it out.
   */
  readonly existing?: ColumnModel;
}
export interface RenameColumnOp {
  readonly kind: 'renameColumn';
  readonly table: string;
  readonly column: string;
  readonly to: string;
}
export interface CreateIndexOp {
  readonly kind: 'createIndex';
  readonly table: string;
  readonly name: string;
  readonly columns: readonly IndexColumn[];
  readonly unique?: boolean;
  /** Partial index predicate (PostgreSQL, SQLite). */
  readonly where?: string;
  /** Access method (`btree`, `hash`, `gin`...). */
  readonly method?: string;
}
export interface DropIndexOp {
  readonly kind: 'dropIndex';
  readonly table: string;
  readonly name: string;
}
export interface CreateForeignKeyOp {
  readonly kind: 'createForeignKey';
  readonly table: string;
  readonly foreignKey: ForeignKeyDefinition;
}
export interface DropForeignKeyOp {
  readonly kind: 'dropForeignKey';
  readonly table: string;
  readonly name: string;
}
export interface CreateUniqueConstraintOp {
  readonly kind: 'createUniqueConstraint';
  readonly table: string;
  readonly constraint: UniqueDefinition;
}
export interface DropUniqueConstraintOp {
  readonly kind: 'dropUniqueConstraint';
  readonly table: string;
  readonly name: string;
}
export interface CreateCheckConstraintOp {
  readonly kind: 'createCheckConstraint';
  readonly table: string;
  readonly constraint: CheckDefinition;
}
export interface DropCheckConstraintOp {
  readonly kind: 'dropCheckConstraint';
  readonly table: string;
  readonly name: string;
}
export interface CreatePrimaryKeyOp {
  readonly kind: 'createPrimaryKey';
  readonly table: string;
  readonly primaryKey: PrimaryKeyDefinition;
}
export interface DropPrimaryKeyOp {
  readonly kind: 'dropPrimaryKey';
  readonly table: string;
  /** The constraint name, where the dialect names primary keys (PostgreSQL); looked up when left out. */
  readonly name?: string;
}
export interface CreateEnumOp {
  readonly kind: 'createEnum';
  readonly name: string;
  readonly values: readonly string[];
}
export interface AddEnumValueOp {
  readonly kind: 'addEnumValue';
  readonly name: string;
  readonly value: string;
  readonly before?: string;
  readonly after?: string;
}
export interface RenameEnumValueOp {
  readonly kind: 'renameEnumValue';
  readonly name: string;
  readonly value: string;
  readonly to: string;
}
export interface DropEnumOp {
  readonly kind: 'dropEnum';
  readonly name: string;
}
/**
 * Turns row-level security on for a table (`ALTER TABLE … ENABLE ROW LEVEL SECURITY`). With `force`,
 * also `FORCE` (true) or `NO FORCE` (false) it, which decides whether the policies bind the table's
 * owner (https://www.postgresql.org/docs/15/sql-altertable.html). PostgreSQL only.
 */
export interface EnableRowLevelSecurityOp {
  readonly kind: 'enableRowLevelSecurity';
  readonly table: string;
  readonly force?: boolean;
}
/** Turns row-level security off (`DISABLE ROW LEVEL SECURITY`); `force` as in {@link EnableRowLevelSecurityOp}. */
export interface DisableRowLevelSecurityOp {
  readonly kind: 'disableRowLevelSecurity';
  readonly table: string;
  readonly force?: boolean;
}
/** A policy as an operation declares it: permissive, `FOR ALL` and `TO public` unless said otherwise. */
export interface PolicyDefinition {
  readonly name: string;
  /** `false` for `AS RESTRICTIVE`. */
  readonly permissive?: boolean;
  readonly command?: PolicyCommand;
  /** Role names; `public` means every role. */
  readonly roles?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}
export interface CreatePolicyOp {
  readonly kind: 'createPolicy';
  readonly table: string;
  readonly policy: PolicyDefinition;
}
export interface DropPolicyOp {
  readonly kind: 'dropPolicy';
  readonly table: string;
  readonly name: string;
}
/**
 * Changes a policy's roles, `USING` and/or `WITH CHECK` expression in place; fields left out stay.
 * `ALTER POLICY` can neither change the command nor permissive/restrictive, nor remove an expression
 * (https://www.postgresql.org/docs/15/sql-alterpolicy.html): those changes are a drop and a create.
 */
export interface AlterPolicyOp {
  readonly kind: 'alterPolicy';
  readonly table: string;
  readonly name: string;
  readonly roles?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}
/** Creates a role (cluster-wide, https://www.postgresql.org/docs/15/sql-createrole.html); options default to PostgreSQL's. */
export interface CreateRoleOp {
  readonly kind: 'createRole';
  readonly name: string;
  readonly createDb?: boolean;
  readonly createRole?: boolean;
  readonly inherit?: boolean;
}
export interface DropRoleOp {
  readonly kind: 'dropRole';
  readonly name: string;
}
/** Raw SQL: the escape hatch. The model cannot see what it does (see `declares`). */
export interface ExecuteOp {
  readonly kind: 'execute';
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/** Every operation. Switch over `kind` exhaustively (`assertNever`). */
export type Op =
  | CreateTableOp
  | DropTableOp
  | RenameTableOp
  | AddColumnOp
  | DropColumnOp
  | AlterColumnOp
  | RenameColumnOp
  | CreateIndexOp
  | DropIndexOp
  | CreateForeignKeyOp
  | DropForeignKeyOp
  | CreateUniqueConstraintOp
  | DropUniqueConstraintOp
  | CreateCheckConstraintOp
  | DropCheckConstraintOp
  | CreatePrimaryKeyOp
  | DropPrimaryKeyOp
  | CreateEnumOp
  | AddEnumValueOp
  | RenameEnumValueOp
  | DropEnumOp
  | EnableRowLevelSecurityOp
  | DisableRowLevelSecurityOp
  | CreatePolicyOp
  | DropPolicyOp
  | AlterPolicyOp
  | CreateRoleOp
  | DropRoleOp
  | ExecuteOp;

/** The kinds, as a list (tests iterate over it; rendering records are keyed by it). */
export const OP_KINDS = [
  'createTable',
  'dropTable',
  'renameTable',
  'addColumn',
  'dropColumn',
  'alterColumn',
  'renameColumn',
  'createIndex',
  'dropIndex',
  'createForeignKey',
  'dropForeignKey',
  'createUniqueConstraint',
  'dropUniqueConstraint',
  'createCheckConstraint',
  'dropCheckConstraint',
  'createPrimaryKey',
  'dropPrimaryKey',
  'createEnum',
  'addEnumValue',
  'renameEnumValue',
  'dropEnum',
  'enableRowLevelSecurity',
  'disableRowLevelSecurity',
  'createPolicy',
  'dropPolicy',
  'alterPolicy',
  'createRole',
  'dropRole',
  'execute',
] as const satisfies readonly Op['kind'][];
