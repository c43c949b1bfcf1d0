import { assertNever } from '../errors.js';
import type { ForeignKeyAction, IdentityModel, PolicyCommand, SequenceOptions } from '../schema/model.js';
import { isDefaultSchema, localName, qualifiedName, schemaOf } from '../schema/qualified-name.js';
import { InvalidOpError } from './errors.js';
import type {
  AlterColumnOp,
  CheckDefinition,
  ColumnDefinition,
  ForeignKeyDefinition,
  IndexColumn,
  StorageParameter,
  Op,
  PolicyDefinition,
  PrimaryKeyDefinition,
  UniqueDefinition,
} from './op.js';

/**
 * Every foreign key action the model knows, as the ops spell them.
 *
 * @example
 * ```ts
 * import { FOREIGN_KEY_ACTIONS } from '@strata/engine';
 * FOREIGN_KEY_ACTIONS.includes('cascade'); // true
 * ```
 */
export const FOREIGN_KEY_ACTIONS: readonly ForeignKeyAction[] = ['no action', 'restrict', 'cascade', 'set null', 'set default'];

/**
 * What `op.createTable` takes besides the table name.
 *
 * @example
 * ```ts
 * import type { CreateTableOptions } from '@strata/engine';
 * const clients: CreateTableOptions = {
 *   columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'email', type: 'varchar(255)', nullable: false }],
 *   uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
 * };
 * ```
 */
export interface CreateTableOptions {
  readonly columns: readonly ColumnDefinition[];
  /** The table's primary key; or mark one or more columns `primaryKey: true` (not both). */
  readonly primaryKey?: PrimaryKeyDefinition;
  readonly uniqueConstraints?: readonly UniqueDefinition[];
  readonly checkConstraints?: readonly CheckDefinition[];
  readonly foreignKeys?: readonly ForeignKeyDefinition[];
}

/**
 * What `op.alterColumn` changes; fields left out stay as they are.
 *
 * @example
 * ```ts
 * import type { AlterColumnOptions } from '@strata/engine';
 * const change: AlterColumnOptions = { type: 'bigint', using: 'amount::bigint', nullable: false, default: null };
 * ```
 */
export interface AlterColumnOptions {
  readonly type?: string;
  /** PostgreSQL's `USING` expression; only with `type`. */
  readonly using?: string;
  readonly nullable?: boolean;
  /** A new default expression, or `null` to drop the default. */
  readonly default?: string | null;
  /** PostgreSQL: an identity column's new kind and sequence options (`{ always: false }` for the plain one). */
  readonly identity?: IdentityModel;
}

/**
 * What `op.createUniqueConstraint` takes besides the name, table and columns.
 *
 * @example
 * ```ts
 * import type { UniqueOptions } from '@strata/engine';
 * const options: UniqueOptions = { nullsNotDistinct: true };
 * ```
 */
export interface UniqueOptions {
  /** PostgreSQL 15+ `NULLS NOT DISTINCT`: two NULLs count as equal. */
  readonly nullsNotDistinct?: boolean;
  /**
   * PostgreSQL: the unique index (built `concurrently` beforehand) the constraint is made from, under a
   * brief lock (`ADD CONSTRAINT … UNIQUE USING INDEX`; the index takes the constraint's name).
   */
  readonly usingIndex?: string;
}

/**
 * What `op.createCheckConstraint` takes besides the name, table and expression.
 *
 * @example
 * ```ts
 * import type { CheckConstraintOptions } from '@strata/engine';
 * const options: CheckConstraintOptions = { notValid: true };
 * ```
 */
export interface CheckConstraintOptions {
  /** PostgreSQL: add it `NOT VALID` (no scan under the lock); `op.validateConstraint` checks the rows later. */
  readonly notValid?: boolean;
}

/**
 * What `op.createIndex` takes besides the name, table and parts.
 *
 * @example
 * ```ts
 * import type { IndexOptions } from '@strata/engine';
 * const partialUnique: IndexOptions = { unique: true, where: 'deleted_at IS NULL' };
 * ```
 */
export interface IndexOptions {
  readonly unique?: boolean;
  /** Partial index predicate (PostgreSQL, SQLite). */
  readonly where?: string;
  /** Access method (`btree`, `hash`, `gin`...). */
  readonly method?: string;
  /** Storage parameters (PostgreSQL `WITH (fillfactor = 70)`). */
  readonly with?: Readonly<Record<string, StorageParameter>>;
  /**
   * Build without locking out writes: PostgreSQL `CREATE INDEX CONCURRENTLY` (the revision must say
   * `transactional: false`; an INVALID index of that name is dropped first), MySQL/MariaDB
   * `ALGORITHM=INPLACE, LOCK=NONE`.
   */
  readonly concurrently?: boolean;
}

/**
 * What `op.addColumn` takes besides the table and column.
 *
 * @example
 * ```ts
 * import type { AddColumnOptions } from '@strata/engine';
 * const online: AddColumnOptions = { concurrently: true };
 * ```
 */
export interface AddColumnOptions {
  /**
   * Add it without blocking writes: MySQL/MariaDB `ALGORITHM=INPLACE, LOCK=NONE`; PostgreSQL refuses
   * a column that rewrites the table (volatile default, stored generated, identity, serial) and adds
   * any other as usual (a brief lock); SQLite refuses it.
   */
  readonly concurrently?: boolean;
}

/**
 * What `op.dropIndex` takes besides the name and table.
 *
 * @example
 * ```ts
 * import type { DropIndexOptions } from '@strata/engine';
 * const online: DropIndexOptions = { concurrently: true };
 * ```
 */
export interface DropIndexOptions {
  /**
   * Drop without locking out reads and writes: PostgreSQL `DROP INDEX CONCURRENTLY` (the revision
   * must say `transactional: false`), MySQL/MariaDB `ALGORITHM=INPLACE, LOCK=NONE`.
   */
  readonly concurrently?: boolean;
}

/**
 * A foreign key's actions; both default to `'no action'`.
 *
 * @example
 * ```ts
 * import type { ForeignKeyOptions } from '@strata/engine';
 * const actions: ForeignKeyOptions = { onDelete: 'cascade' };
 * ```
 */
export interface ForeignKeyOptions {
  readonly onDelete?: ForeignKeyAction;
  readonly onUpdate?: ForeignKeyAction;
  /** PostgreSQL: add it `NOT VALID` (no scan under the lock); `op.validateConstraint` checks the rows later. */
  readonly notValid?: boolean;
}

/**
 * Every policy command, as the ops spell them.
 *
 * @example
 * ```ts
 * import { POLICY_COMMANDS } from '@strata/engine';
 * POLICY_COMMANDS.includes('select'); // true
 * ```
 */
export const POLICY_COMMANDS: readonly PolicyCommand[] = ['all', 'select', 'insert', 'update', 'delete'];

/**
 * What `op.createPolicy` takes besides the name and table: permissive, `FOR ALL` and `TO public`
 * unless said otherwise.
 *
 * @example
 * ```ts
 * import type { PolicyOptions } from '@strata/engine';
 * const ownRows: PolicyOptions = { command: 'select', roles: ['app_user'], using: "owner_id = current_setting('app.user_id')::int" };
 * ```
 */
export type PolicyOptions = Omit<PolicyDefinition, 'name'>;

/**
 * What `op.alterPolicy` changes; fields left out stay as they are.
 *
 * @example
 * ```ts
 * import type { AlterPolicyOptions } from '@strata/engine';
 * const change: AlterPolicyOptions = { roles: ['app_user', 'auditor'] };
 * ```
 */
export interface AlterPolicyOptions {
  readonly roles?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}

/**
 * The options of `op.createRole`; PostgreSQL's defaults (NOCREATEDB, NOCREATEROLE, INHERIT) otherwise.
 *
 * @example
 * ```ts
 * import type { RoleOptions } from '@strata/engine';
 * const admin: RoleOptions = { createRole: true, inherit: false };
 * ```
 */
export interface RoleOptions {
  readonly createDb?: boolean;
  readonly createRole?: boolean;
  readonly inherit?: boolean;
}

/**
 * The options of `op.createView`: a materialized view (populated when created) rather than a view.
 *
 * @example
 * ```ts
 * import type { ViewOptions } from '@strata/engine';
 * const options: ViewOptions = { materialized: true };
 * ```
 */
export interface ViewOptions {
  readonly materialized?: boolean;
}

/**
 * The options of `op.dropView`: the kind, and the query of the view meant (what generated revisions
 * guard the drop with, `inspect.hasViewAs`; kept with the op so that it runs as generated).
 *
 * @example
 * ```ts
 * import type { DropViewOptions } from '@strata/engine';
 * const options: DropViewOptions = { materialized: true, definition: 'select count(*) as n from clients' };
 * ```
 */
export interface DropViewOptions extends ViewOptions {
  readonly definition?: string;
}

/**
 * Where `op.addEnumValue` puts the new value (at the end when neither is given; not both).
 *
 * @example
 * ```ts
 * import type { EnumValuePosition } from '@strata/engine';
 * const position: EnumValuePosition = { after: 'active' };
 * ```
 */
export interface EnumValuePosition {
  readonly before?: string;
  readonly after?: string;
}

/**
 * The operations of one table inside `op.batchAlterTable`: the same operations as {@link OpBuilders}
 * without the table argument. They are collected, not run: the batch runs them in order once the
 * callback returns, so an `inspect` guard inside the callback sees the table as it was before the
 * batch.
 *
 * @example
 * ```ts
 * import type { Inspector, OpBuilders } from '@strata/engine';
 * declare const op: OpBuilders, inspect: Inspector;
 * await op.batchAlterTable('clients', async (batch) => {
 *   if (!(await inspect.hasColumn('clients', 'status'))) batch.addColumn({ name: 'status', type: 'varchar(20)' });
 *   batch.alterColumn('email', { nullable: false });
 * });
 * ```
 */
export interface BatchOperations {
  /** Adds a column (see {@link OpBuilders.addColumn}). */
  addColumn(column: ColumnDefinition, options?: AddColumnOptions): void;
  /** Drops a column (see {@link OpBuilders.dropColumn}). */
  dropColumn(name: string): void;
  /** Changes a column (see {@link OpBuilders.alterColumn}). */
  alterColumn(name: string, change: AlterColumnOptions): void;
  /** Renames a column (see {@link OpBuilders.renameColumn}). */
  renameColumn(from: string, to: string): void;
  /** Creates an index (see {@link OpBuilders.createIndex}). */
  createIndex(name: string, columns: readonly IndexColumn[], options?: IndexOptions): void;
  /** Drops an index (see {@link OpBuilders.dropIndex}). */
  dropIndex(name: string, options?: DropIndexOptions): void;
  /** Adds a foreign key (see {@link OpBuilders.createForeignKey}). */
  createForeignKey(
    name: string,
    referencedTable: string,
    columns: readonly string[],
    referencedColumns: readonly string[],
    options?: ForeignKeyOptions,
  ): void;
  /** Drops a foreign key (see {@link OpBuilders.dropForeignKey}). */
  dropForeignKey(name: string): void;
  /** Adds a unique constraint (see {@link OpBuilders.createUniqueConstraint}). */
  createUniqueConstraint(name: string, columns: readonly string[], options?: UniqueOptions): void;
  /** Drops a unique constraint (see {@link OpBuilders.dropUniqueConstraint}). */
  dropUniqueConstraint(name: string): void;
  /** Adds a check constraint (see {@link OpBuilders.createCheckConstraint}). */
  createCheckConstraint(name: string, expression: string, options?: CheckConstraintOptions): void;
  /** Validates a constraint added `notValid` (see {@link OpBuilders.validateConstraint}). */
  validateConstraint(name: string): void;
  /** Drops a check constraint (see {@link OpBuilders.dropCheckConstraint}). */
  dropCheckConstraint(name: string): void;
  /** Adds the primary key (see {@link OpBuilders.createPrimaryKey}). */
  createPrimaryKey(columns: readonly string[], options?: { readonly name?: string }): void;
  /** Drops the primary key (see {@link OpBuilders.dropPrimaryKey}). */
  dropPrimaryKey(name?: string): void;
}

/**
 * The `op` object a revision receives (`upgrade({ op, inspect })`): one method per operation, with
 * Alembic's argument order. Each method validates its arguments (`OPS_INVALID`), builds the
 * operation as plain data and hands it to the runner, which renders and executes it (or, offline,
 * prints it). Every example is a line of an `upgrade({ op, inspect })` body written in the seed's
 * idempotent pattern: check with `inspect`, then act.
 *
 * @example
 * ```ts
 * import type { Inspector, OpBuilders } from '@strata/engine';
 * export async function upgrade({ op, inspect }: { op: OpBuilders; inspect: Inspector }): Promise<void> {
 *   if (!(await inspect.hasColumn('clients', 'status'))) await op.addColumn('clients', { name: 'status', type: 'varchar(20)' });
 * }
 * ```
 */
export interface OpBuilders {
  /**
   * Creates a table with its columns and constraints (indexes are separate `createIndex` calls).
   * @example
   * ```ts
   * if (!(await inspect.hasTable('clients'))) {
   *   await op.createTable('clients', {
   *     columns: [
   *       { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
   *       { name: 'email', type: 'varchar(255)', nullable: false },
   *     ],
   *     uniqueConstraints: [{ name: 'uq_clients_email', columns: ['email'] }],
   *   });
   * }
   * ```
   */
  createTable(name: string, options: CreateTableOptions): Promise<void>;
  /**
   * Drops a table.
   * @example
   * ```ts
   * if (await inspect.hasTable('clients')) await op.dropTable('clients');
   * ```
   */
  dropTable(name: string): Promise<void>;
  /**
   * Renames a table.
   * @example
   * ```ts
   * if ((await inspect.hasTable('client')) && !(await inspect.hasTable('clients'))) await op.renameTable('client', 'clients');
   * ```
   */
  renameTable(from: string, to: string): Promise<void>;
  /**
   * Adds a column.
   * @example
   * ```ts
   * if (!(await inspect.hasColumn('clients', 'status'))) await op.addColumn('clients', { name: 'status', type: 'varchar(20)' });
   * ```
   */
  addColumn(table: string, column: ColumnDefinition, options?: AddColumnOptions): Promise<void>;
  /**
   * Drops a column.
   * @example
   * ```ts
   * if (await inspect.hasColumn('clients', 'status')) await op.dropColumn('clients', 'status');
   * ```
   */
  dropColumn(table: string, name: string): Promise<void>;
  /**
   * Changes a column's type, nullability and/or default.
   * @example
   * ```ts
   * const [status] = (await inspect.columns('clients')).filter((c) => c.name === 'status');
   * if (status?.nullable) await op.alterColumn('clients', 'status', { nullable: false, default: "'active'" });
   * ```
   */
  alterColumn(table: string, name: string, change: AlterColumnOptions): Promise<void>;
  /**
   * Renames a column.
   * @example
   * ```ts
   * if (await inspect.hasColumn('clients', 'mail')) await op.renameColumn('clients', 'mail', 'email');
   * ```
   */
  renameColumn(table: string, from: string, to: string): Promise<void>;
  /**
   * Creates an index on columns and/or expressions (`{ expression: 'lower(email)' }`). A part may
   * name its operator class, order and NULLS placement (`{ column: 'name', opclass: 'gin_trgm_ops' }`,
   * `{ column: 'at', order: 'desc', nulls: 'last' }`); PostgreSQL takes all of them, MySQL and SQLite
   * the order alone. `concurrently` needs a revision with `transactional: false` on PostgreSQL; there
   * an INVALID index of the same name (a failed concurrent build, which `inspect.hasIndex` answers
   * false for) is dropped concurrently and built again, so the guarded form repairs it on a re-run.
   * @example
   * ```ts
   * if (!(await inspect.hasIndex('clients', 'ix_clients_email'))) {
   *   await op.createIndex('ix_clients_email', 'clients', [{ expression: 'lower(email)' }], { unique: true });
   * }
   * if (!(await inspect.hasIndex('clients', 'ix_clients_recent'))) {
   *   await op.createIndex('ix_clients_recent', 'clients', [{ column: 'created_at', order: 'desc' }], { with: { fillfactor: 70 } });
   * }
   * ```
   */
  createIndex(name: string, table: string, columns: readonly IndexColumn[], options?: IndexOptions): Promise<void>;
  /**
   * Drops an index; `concurrently` needs a revision with `transactional: false` on PostgreSQL.
   * @example
   * ```ts
   * if (await inspect.hasIndex('clients', 'ix_clients_email')) await op.dropIndex('ix_clients_email', 'clients', { concurrently: true });
   * ```
   */
  dropIndex(name: string, table: string, options?: DropIndexOptions): Promise<void>;
  /**
   * Renames an index, keeping its definition (SQLite, which cannot rename one, drops and creates it).
   * @example
   * ```ts
   * if ((await inspect.hasIndex('clients', 'ix_customer_email')) && !(await inspect.hasIndex('clients', 'ix_clients_email'))) {
   *   await op.renameIndex('clients', 'ix_customer_email', 'ix_clients_email');
   * }
   * ```
   */
  renameIndex(table: string, from: string, to: string): Promise<void>;
  /**
   * Renames a primary key, unique, check or foreign key constraint, keeping its definition: in place
   * where the dialect can (PostgreSQL; MySQL for a unique constraint), without rebuilding what depends
   * on it.
   * @example
   * ```ts
   * if ((await inspect.hasConstraint('clients', 'customer_pkey')) && !(await inspect.hasConstraint('clients', 'clients_pkey'))) {
   *   await op.renameConstraint('clients', 'customer_pkey', 'clients_pkey');
   * }
   * ```
   */
  renameConstraint(table: string, from: string, to: string): Promise<void>;
  /**
   * Adds a foreign key from `table(columns)` to `referencedTable(referencedColumns)`.
   * @example
   * ```ts
   * if (!(await inspect.hasForeignKey('orders', 'fk_orders_client'))) {
   *   await op.createForeignKey('fk_orders_client', 'orders', 'clients', ['client_id'], ['id'], { onDelete: 'cascade' });
   * }
   * ```
   */
  createForeignKey(
    name: string,
    table: string,
    referencedTable: string,
    columns: readonly string[],
    referencedColumns: readonly string[],
    options?: ForeignKeyOptions,
  ): Promise<void>;
  /**
   * Drops a foreign key (Alembic's `drop_constraint(name, table, type_='foreignkey')`).
   * @example
   * ```ts
   * if (await inspect.hasForeignKey('orders', 'fk_orders_client')) await op.dropForeignKey('fk_orders_client', 'orders');
   * ```
   */
  dropForeignKey(name: string, table: string): Promise<void>;
  /**
   * Adds a unique constraint.
   * @example
   * ```ts
   * if (!(await inspect.hasUniqueConstraint('clients', 'uq_clients_email'))) {
   *   await op.createUniqueConstraint('uq_clients_email', 'clients', ['email']);
   * }
   * ```
   */
  createUniqueConstraint(name: string, table: string, columns: readonly string[], options?: UniqueOptions): Promise<void>;
  /**
   * Drops a unique constraint.
   * @example
   * ```ts
   * if (await inspect.hasUniqueConstraint('clients', 'uq_clients_email')) await op.dropUniqueConstraint('uq_clients_email', 'clients');
   * ```
   */
  dropUniqueConstraint(name: string, table: string): Promise<void>;
  /**
   * Adds a check constraint.
   * @example
   * ```ts
   * if (!(await inspect.hasCheckConstraint('orders', 'ck_orders_amount'))) {
   *   await op.createCheckConstraint('ck_orders_amount', 'orders', 'amount >= 0');
   * }
   * ```
   */
  createCheckConstraint(name: string, table: string, expression: string, options?: CheckConstraintOptions): Promise<void>;
  /**
   * Checks the existing rows against a foreign key or check constraint added `notValid` (PostgreSQL
   * `VALIDATE CONSTRAINT`, under a lock that lets reads and writes through). Run it outside the
   * transaction that added the constraint (`transactional: false`), or the ADD's strong lock is held
   * through the scan. Validating a valid constraint does nothing, so it needs no guard beyond existence.
   * @example
   * ```ts
   * if (!(await inspect.hasForeignKey('orders', 'fk_orders_client'))) {
   *   await op.createForeignKey('fk_orders_client', 'orders', 'clients', ['client_id'], ['id'], { notValid: true });
   * }
   * if (await inspect.hasConstraint('orders', 'fk_orders_client')) await op.validateConstraint('orders', 'fk_orders_client');
   * ```
   */
  validateConstraint(table: string, name: string): Promise<void>;
  /**
   * Drops a check constraint.
   * @example
   * ```ts
   * if (await inspect.hasCheckConstraint('orders', 'ck_orders_amount')) await op.dropCheckConstraint('ck_orders_amount', 'orders');
   * ```
   */
  dropCheckConstraint(name: string, table: string): Promise<void>;
  /**
   * Adds the table's primary key; its columns become NOT NULL. The name only matters where the
   * dialect names primary keys (PostgreSQL), so it comes last and is optional.
   * @example
   * ```ts
   * if (!(await inspect.hasPrimaryKey('memberships'))) {
   *   await op.createPrimaryKey('memberships', ['user_id', 'group_id'], { name: 'memberships_pkey' });
   * }
   * ```
   */
  createPrimaryKey(table: string, columns: readonly string[], options?: { readonly name?: string }): Promise<void>;
  /**
   * Drops the table's primary key (its columns stay NOT NULL, as on the servers).
   * @example
   * ```ts
   * if (await inspect.hasPrimaryKey('memberships')) await op.dropPrimaryKey('memberships');
   * ```
   */
  dropPrimaryKey(table: string, name?: string): Promise<void>;
  /**
   * Creates a PostgreSQL enum type.
   * @example
   * ```ts
   * if (!(await inspect.hasEnum('client_status'))) await op.createEnum('client_status', ['active', 'closed']);
   * ```
   */
  createEnum(name: string, values: readonly string[]): Promise<void>;
  /**
   * Adds a value to an enum, at the end or `before`/`after` an existing value. Irreversible.
   * @example
   * ```ts
   * if (!(await inspect.hasEnumValue('client_status', 'paused'))) {
   *   await op.addEnumValue('client_status', 'paused', { after: 'active' });
   * }
   * ```
   */
  addEnumValue(name: string, value: string, position?: EnumValuePosition): Promise<void>;
  /**
   * Renames one value of an enum.
   * @example
   * ```ts
   * if (await inspect.hasEnumValue('client_status', 'closed')) await op.renameEnumValue('client_status', 'closed', 'archived');
   * ```
   */
  renameEnumValue(name: string, value: string, to: string): Promise<void>;
  /**
   * Drops an enum type.
   * @example
   * ```ts
   * if (await inspect.hasEnum('client_status')) await op.dropEnum('client_status');
   * ```
   */
  dropEnum(name: string): Promise<void>;
  /**
   * Turns row-level security on for a table (PostgreSQL); `force` also FORCEs (or NO FORCEs) it.
   * @example
   * ```ts
   * if (!(await inspect.hasRowLevelSecurity('documents'))) await op.enableRowLevelSecurity('documents');
   * ```
   */
  enableRowLevelSecurity(table: string, options?: { readonly force?: boolean }): Promise<void>;
  /**
   * Turns row-level security off for a table (PostgreSQL).
   * @example
   * ```ts
   * if (await inspect.hasRowLevelSecurity('documents')) await op.disableRowLevelSecurity('documents');
   * ```
   */
  disableRowLevelSecurity(table: string, options?: { readonly force?: boolean }): Promise<void>;
  /**
   * Creates a row-level security policy on a table (PostgreSQL).
   * @example
   * ```ts
   * if (!(await inspect.hasPolicy('documents', 'own_rows'))) {
   *   await op.createPolicy('own_rows', 'documents', { command: 'select', using: "owner = current_setting('app.user_id')" });
   * }
   * ```
   */
  createPolicy(name: string, table: string, options?: PolicyOptions): Promise<void>;
  /**
   * Drops a policy.
   * @example
   * ```ts
   * if (await inspect.hasPolicy('documents', 'own_rows')) await op.dropPolicy('own_rows', 'documents');
   * ```
   */
  dropPolicy(name: string, table: string): Promise<void>;
  /**
   * Changes a policy's roles, `USING` and/or `WITH CHECK` (`ALTER POLICY`; the command and
   * permissive/restrictive cannot change in place: drop and create the policy).
   * @example
   * ```ts
   * if (await inspect.hasPolicy('documents', 'own_rows')) await op.alterPolicy('own_rows', 'documents', { using: 'true' });
   * ```
   */
  alterPolicy(name: string, table: string, change: AlterPolicyOptions): Promise<void>;
  /**
   * Creates a role (PostgreSQL; roles are cluster-wide, shared by every database of the server).
   * @example
   * ```ts
   * if (!(await inspect.hasRole('app_user'))) await op.createRole('app_user', { inherit: true });
   * ```
   */
  createRole(name: string, options?: RoleOptions): Promise<void>;
  /**
   * Drops a role.
   * @example
   * ```ts
   * if (await inspect.hasRole('app_user')) await op.dropRole('app_user');
   * ```
   */
  dropRole(name: string): Promise<void>;
  /**
   * Creates a standalone sequence (PostgreSQL); options left out are the defaults of a bigint sequence.
   * @example
   * ```ts
   * if (!(await inspect.hasSequence('invoice_numbers'))) await op.createSequence('invoice_numbers', { start: '1000' });
   * ```
   */
  createSequence(name: string, options?: SequenceOptions): Promise<void>;
  /**
   * Sets a sequence's options in full: an option left out goes back to its default. The current value is kept.
   * @example
   * ```ts
   * if (await inspect.hasSequence('invoice_numbers')) await op.alterSequence('invoice_numbers', { start: '1000', increment: '10' });
   * ```
   */
  alterSequence(name: string, options?: SequenceOptions): Promise<void>;
  /**
   * Drops a sequence.
   * @example
   * ```ts
   * if (await inspect.hasSequence('invoice_numbers')) await op.dropSequence('invoice_numbers');
   * ```
   */
  dropSequence(name: string): Promise<void>;
  /**
   * Creates a view, or a materialized view, from its query (PostgreSQL). A changed query is a drop and a create.
   * @example
   * ```ts
   * if (!(await inspect.hasView('active_clients'))) await op.createView('active_clients', 'select id, name from clients where active');
   * ```
   */
  createView(name: string, definition: string, options?: ViewOptions): Promise<void>;
  /**
   * Drops a view, or a materialized view with `{ materialized: true }`.
   * @example
   * ```ts
   * if (await inspect.hasView('active_clients')) await op.dropView('active_clients');
   * ```
   */
  dropView(name: string, options?: DropViewOptions): Promise<void>;
  /**
   * Creates a PostgreSQL schema if it is not there (`CREATE SCHEMA IF NOT EXISTS`), for the objects
   * named `<schema>.<name>` in it (`op.createTable('billing.invoices', …)`).
   * @example
   * ```ts
   * if (!(await inspect.hasSchema('billing'))) await op.createSchema('billing');
   * ```
   */
  createSchema(name: string): Promise<void>;
  /**
   * Drops a PostgreSQL schema if it is there and empty (`DROP SCHEMA IF EXISTS`, no CASCADE): drop its
   * tables, enums, sequences and views first.
   * @example
   * ```ts
   * if (await inspect.hasSchema('billing')) await op.dropSchema('billing');
   * ```
   */
  dropSchema(name: string): Promise<void>;
  /**
   * Runs raw SQL. The schema model cannot see what it does: the live inspector reloads after it.
   * Guard it yourself, as the seed does for data migrations.
   * @example
   * ```ts
   * if (await inspect.hasColumn('clients', 'status')) await op.execute("UPDATE clients SET status = 'active' WHERE status IS NULL");
   * ```
   */
  execute(sql: string, params?: readonly unknown[]): Promise<void>;
  /**
   * Collects a table's operations in `build`, then runs them in order when it returns (SQLite
   * recreates the table where its ALTER TABLE cannot express an operation). Nothing runs when
   * `build` throws.
   * @example
   * ```ts
   * await op.batchAlterTable('clients', async (batch) => {
   *   if (await inspect.hasColumn('clients', 'mail')) batch.renameColumn('mail', 'email');
   *   if (!(await inspect.hasIndex('clients', 'ix_clients_email'))) batch.createIndex('ix_clients_email', ['email']);
   * });
   * ```
   */
  batchAlterTable(table: string, build: (batch: BatchOperations) => void | Promise<void>): Promise<void>;
}

/** Throws OPS_INVALID unless `value` is a non-empty string. @internal */
function requireName(op: string, what: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidOpError(op, `${what} must be a non-empty string (got ${JSON.stringify(value) ?? String(value)}).`);
  }
}

/** Throws OPS_INVALID unless `names` is a non-empty list of distinct names. @internal */
function requireNameList(op: string, what: string, names: unknown): void {
  if (!Array.isArray(names) || names.length === 0) throw new InvalidOpError(op, `${what} must list at least one column.`);
  const seen = new Set<string>();
  for (const name of names as unknown[]) {
    requireName(op, `a column of ${what}`, name);
    if (seen.has(name as string)) throw new InvalidOpError(op, `${what} names column ${String(name)} twice.`);
    seen.add(name as string);
  }
}

/** @internal */
function requireAction(op: string, what: string, action: unknown): void {
  if (action !== undefined && !FOREIGN_KEY_ACTIONS.includes(action as ForeignKeyAction)) {
    throw new InvalidOpError(op, `${what} is ${JSON.stringify(action)}; expected one of ${FOREIGN_KEY_ACTIONS.map((a) => `'${a}'`).join(', ')}.`);
  }
}

/** @internal */
function validateRoles(op: string, what: string, roles: unknown): void {
  if (roles === undefined) return;
  if (!Array.isArray(roles) || roles.length === 0) throw new InvalidOpError(op, `the roles of ${what} must list at least one role (\`public\` for every role).`);
  for (const role of roles as unknown[]) requireName(op, `a role of ${what}`, role);
}

/** @internal */
function validatePolicy(op: string, table: string, policy: PolicyDefinition): void {
  requireName(op, `a policy name on table ${table}`, policy?.name);
  const what = `policy ${policy.name} on table ${table}`;
  if (policy.command !== undefined && !POLICY_COMMANDS.includes(policy.command)) {
    throw new InvalidOpError(op, `the command of ${what} is ${JSON.stringify(policy.command)}; expected one of ${POLICY_COMMANDS.map((c) => `'${c}'`).join(', ')}.`);
  }
  if (policy.permissive !== undefined && typeof policy.permissive !== 'boolean') throw new InvalidOpError(op, `permissive of ${what} must be a boolean.`);
  validateRoles(op, what, policy.roles);
  if (policy.using !== undefined) requireName(op, `the USING expression of ${what}`, policy.using);
  if (policy.withCheck !== undefined) requireName(op, `the WITH CHECK expression of ${what}`, policy.withCheck);
  // https://www.postgresql.org/docs/15/sql-createpolicy.html: SELECT and DELETE policies take no WITH CHECK, INSERT ones no USING.
  if (policy.withCheck !== undefined && (policy.command === 'select' || policy.command === 'delete')) {
    throw new InvalidOpError(op, `${what} is for ${policy.command.toUpperCase()}, which takes no WITH CHECK expression.`);
  }
  if (policy.using !== undefined && policy.command === 'insert') throw new InvalidOpError(op, `${what} is for INSERT, which takes no USING expression.`);
}

/** @internal */
function validateColumn(op: string, table: string, column: ColumnDefinition, allowPrimaryKey: boolean): void {
  requireName(op, `a column name of table ${table}`, column?.name);
  const where = `column ${column.name} of table ${table}`;
  requireName(op, `the type of ${where}`, column.type);
  if (column.primaryKey && !allowPrimaryKey) {
    throw new InvalidOpError(op, `${where}: \`primaryKey: true\` is a createTable shorthand; use op.createPrimaryKey.`);
  }
  if (column.generated !== undefined) {
    requireName(op, `the generated expression of ${where}`, column.generated.expression);
    if (column.default !== undefined) throw new InvalidOpError(op, `${where} has both a default and a generated expression.`);
    if (column.autoIncrement) throw new InvalidOpError(op, `${where} is both auto-increment and generated.`);
  }
  if (column.default !== undefined) requireName(op, `the default of ${where}`, column.default);
}

/** @internal */
function validateForeignKey(op: string, table: string, foreignKey: ForeignKeyDefinition): void {
  requireName(op, `a foreign key name on table ${table}`, foreignKey?.name);
  const what = `foreign key ${foreignKey.name} on table ${table}`;
  requireName(op, `the referenced table of ${what}`, foreignKey.referencedTable);
  requireNameList(op, `the columns of ${what}`, foreignKey.columns);
  requireNameList(op, `the referenced columns of ${what}`, foreignKey.referencedColumns);
  if (foreignKey.columns.length !== foreignKey.referencedColumns.length) {
    throw new InvalidOpError(
      op,
      `${what} has ${foreignKey.columns.length} column(s) but ${foreignKey.referencedColumns.length} referenced column(s).`,
    );
  }
  requireAction(op, `onDelete of ${what}`, foreignKey.onDelete);
  requireAction(op, `onUpdate of ${what}`, foreignKey.onUpdate);
}

/** @internal */
function validateIndexColumns(op: string, what: string, columns: readonly IndexColumn[]): void {
  if (!Array.isArray(columns) || columns.length === 0) throw new InvalidOpError(op, `${what} has no columns.`);
  for (const part of columns) {
    if (typeof part === 'string') requireName(op, `a column of ${what}`, part);
    else if (part !== null && typeof part === 'object' && 'column' in part) requireName(op, `a column of ${what}`, part.column);
    else requireName(op, `an expression of ${what}`, part?.expression);
    if (typeof part === 'object' && part !== null) {
      if (part.opclass !== undefined) requireName(op, `an operator class of ${what}`, part.opclass);
      if (part.order !== undefined && part.order !== 'asc' && part.order !== 'desc') throw new InvalidOpError(op, `${what} has order ${String(part.order)}; use 'asc' or 'desc'.`);
      if (part.nulls !== undefined && part.nulls !== 'first' && part.nulls !== 'last') throw new InvalidOpError(op, `${what} has nulls ${String(part.nulls)}; use 'first' or 'last'.`);
    }
  }
}

/** Throws when two of the names are equal (constraint names inside one createTable). @internal */
function requireDistinct(op: string, what: string, names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InvalidOpError(op, `${what} declares ${name} twice.`);
    seen.add(name);
  }
}

/** @internal */
function validateCreateTable(op: Extract<Op, { kind: 'createTable' }>): void {
  const table = op.table;
  if (!Array.isArray(op.columns) || op.columns.length === 0) throw new InvalidOpError(op.kind, `table ${table} has no columns.`);
  for (const column of op.columns) validateColumn(op.kind, table, column, true);
  const columnNames = op.columns.map((c) => c.name);
  requireDistinct(op.kind, `table ${table}`, columnNames);
  const known = new Set(columnNames);
  const requireKnown = (what: string, names: readonly string[]): void => {
    for (const name of names) {
      if (!known.has(name)) throw new InvalidOpError(op.kind, `${what} names column ${name}, which table ${table} does not declare.`);
    }
  };
  if (op.primaryKey !== undefined) {
    if (op.columns.some((c) => c.primaryKey)) {
      throw new InvalidOpError(op.kind, `table ${table} has both a primaryKey and columns marked \`primaryKey: true\`; keep one.`);
    }
    if (op.primaryKey.name !== undefined) requireName(op.kind, `the primary key name of table ${table}`, op.primaryKey.name);
    requireNameList(op.kind, `the primary key of table ${table}`, op.primaryKey.columns);
    requireKnown('the primary key', op.primaryKey.columns);
  }
  for (const unique of op.uniqueConstraints ?? []) {
    requireName(op.kind, `a unique constraint name on table ${table}`, unique?.name);
    requireNameList(op.kind, `unique constraint ${unique.name}`, unique.columns);
    requireKnown(`unique constraint ${unique.name}`, unique.columns);
  }
  for (const check of op.checkConstraints ?? []) {
    requireName(op.kind, `a check constraint name on table ${table}`, check?.name);
    requireName(op.kind, `the expression of check constraint ${check.name}`, check.expression);
  }
  for (const foreignKey of op.foreignKeys ?? []) {
    validateForeignKey(op.kind, table, foreignKey);
    requireKnown(`foreign key ${foreignKey.name}`, foreignKey.columns);
  }
  requireDistinct(op.kind, `table ${table}`, [
    ...(op.uniqueConstraints ?? []).map((u) => u.name),
    ...(op.checkConstraints ?? []).map((c) => c.name),
    ...(op.foreignKeys ?? []).map((f) => f.name),
  ]);
}

/** @internal */
function validateAlterColumn(op: AlterColumnOp): void {
  requireName(op.kind, 'the table', op.table);
  requireName(op.kind, 'the column', op.column);
  const where = `column ${op.column} of table ${op.table}`;
  if (op.type === undefined && op.nullable === undefined && op.default === undefined && op.identity === undefined) {
    throw new InvalidOpError(op.kind, `nothing to change on ${where}: give type, nullable, default and/or identity.`);
  }
  if (op.identity !== undefined && typeof op.identity?.always !== 'boolean') {
    throw new InvalidOpError(op.kind, `the identity of ${where} must say \`always: true\` or \`always: false\`.`);
  }
  if (op.type !== undefined) requireName(op.kind, `the new type of ${where}`, op.type);
  if (op.using !== undefined) {
    if (op.type === undefined) throw new InvalidOpError(op.kind, `\`using\` on ${where} needs a new \`type\`.`);
    requireName(op.kind, `the USING expression of ${where}`, op.using);
  }
  if (op.nullable !== undefined && typeof op.nullable !== 'boolean') throw new InvalidOpError(op.kind, `nullable of ${where} must be a boolean.`);
  if (op.default !== undefined && op.default !== null) requireName(op.kind, `the new default of ${where}`, op.default);
}

/** @internal */
function requireRename(op: string, what: string, from: string, to: string): void {
  requireName(op, `the new name of ${what}`, to);
  if (from === to) throw new InvalidOpError(op, `${what} is renamed to its own name.`);
}

/**
 * Checks an operation's shape, without a schema: names are non-empty, lists are non-empty and
 * distinct, foreign key actions are known, an `alterColumn` changes something, a rename changes the
 * name. Throws `OPS_INVALID` ({@link InvalidOpError}). Whether the objects exist is `applyToModel`'s
 * business.
 *
 * @example
 * ```ts
 * import { validateOp } from '@strata/engine';
 * validateOp({ kind: 'createIndex', table: 'clients', name: 'ix_clients_email', columns: ['email'] });
 * ```
 */
export function validateOp(op: Op): void {
  switch (op.kind) {
    case 'createTable':
      requireName(op.kind, 'the table name', op.table);
      validateCreateTable(op);
      return;
    case 'dropTable':
      requireName(op.kind, 'the table name', op.table);
      return;
    case 'renameTable':
      requireName(op.kind, 'the table name', op.table);
      requireRename(op.kind, `table ${op.table}`, op.table, op.to);
      // ALTER TABLE ... RENAME TO keeps the table in its schema (https://www.postgresql.org/docs/15/sql-altertable.html).
      if (schemaOf(op.table) !== schemaOf(op.to)) {
        throw new InvalidOpError(op.kind, `renaming table ${op.table} to ${op.to} would move it to another schema: name the new table in the same schema ('${qualifiedName(schemaOf(op.table), localName(op.to))}').`);
      }
      return;
    case 'addColumn':
      requireName(op.kind, 'the table name', op.table);
      validateColumn(op.kind, op.table, op.column, false);
      if (op.concurrently !== undefined && typeof op.concurrently !== 'boolean') throw new InvalidOpError(op.kind, `concurrently of column ${op.column.name} must be a boolean.`);
      return;
    case 'dropColumn':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the column name', op.column);
      return;
    case 'alterColumn':
      validateAlterColumn(op);
      return;
    case 'renameColumn':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the column name', op.column);
      requireRename(op.kind, `column ${op.column} of table ${op.table}`, op.column, op.to);
      return;
    case 'renameIndex':
    case 'renameConstraint':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the name', op.name);
      requireRename(op.kind, `${op.kind === 'renameIndex' ? 'index' : 'constraint'} ${op.name} of table ${op.table}`, op.name, op.to);
      return;
    case 'createIndex':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the index name', op.name);
      validateIndexColumns(op.kind, `index ${op.name} on table ${op.table}`, op.columns);
      if (op.where !== undefined) requireName(op.kind, `the WHERE predicate of index ${op.name}`, op.where);
      if (op.method !== undefined) requireName(op.kind, `the method of index ${op.name}`, op.method);
      for (const [name, value] of Object.entries(op.with ?? {})) {
        requireName(op.kind, `a storage parameter of index ${op.name}`, name);
        if (!['string', 'number', 'boolean'].includes(typeof value)) throw new InvalidOpError(op.kind, `storage parameter ${name} of index ${op.name} is not a string, number or boolean.`);
      }
      if (op.concurrently !== undefined && typeof op.concurrently !== 'boolean') throw new InvalidOpError(op.kind, `concurrently of index ${op.name} must be a boolean.`);
      return;
    case 'createForeignKey':
      requireName(op.kind, 'the table name', op.table);
      validateForeignKey(op.kind, op.table, op.foreignKey);
      return;
    case 'createUniqueConstraint':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the constraint name', op.constraint?.name);
      requireNameList(op.kind, `unique constraint ${op.constraint.name} on table ${op.table}`, op.constraint.columns);
      return;
    case 'createCheckConstraint':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the constraint name', op.constraint?.name);
      requireName(op.kind, `the expression of check constraint ${op.constraint.name}`, op.constraint.expression);
      return;
    case 'dropIndex':
      if (op.concurrently !== undefined && typeof op.concurrently !== 'boolean') throw new InvalidOpError(op.kind, `concurrently of index ${op.name} must be a boolean.`);
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the name', op.name);
      return;
    case 'dropForeignKey':
    case 'dropUniqueConstraint':
    case 'dropCheckConstraint':
    case 'validateConstraint':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the name', op.name);
      return;
    case 'createPrimaryKey':
      requireName(op.kind, 'the table name', op.table);
      if (op.primaryKey?.name !== undefined) requireName(op.kind, 'the primary key name', op.primaryKey.name);
      requireNameList(op.kind, `the primary key of table ${op.table}`, op.primaryKey?.columns);
      return;
    case 'dropPrimaryKey':
      requireName(op.kind, 'the table name', op.table);
      if (op.name !== undefined) requireName(op.kind, 'the primary key name', op.name);
      return;
    case 'createEnum': {
      requireName(op.kind, 'the enum name', op.name);
      if (!Array.isArray(op.values)) throw new InvalidOpError(op.kind, `the values of enum ${op.name} must be a list.`);
      for (const value of op.values) requireName(op.kind, `a value of enum ${op.name}`, value);
      requireDistinct(op.kind, `enum ${op.name}`, op.values);
      return;
    }
    case 'addEnumValue':
      requireName(op.kind, 'the enum name', op.name);
      requireName(op.kind, `the new value of enum ${op.name}`, op.value);
      if (op.before !== undefined && op.after !== undefined) {
        throw new InvalidOpError(op.kind, `value ${op.value} of enum ${op.name} is placed both before ${op.before} and after ${op.after}; give one.`);
      }
      if (op.before !== undefined) requireName(op.kind, `\`before\` of enum value ${op.value}`, op.before);
      if (op.after !== undefined) requireName(op.kind, `\`after\` of enum value ${op.value}`, op.after);
      return;
    case 'renameEnumValue':
      requireName(op.kind, 'the enum name', op.name);
      requireName(op.kind, `the value of enum ${op.name}`, op.value);
      requireRename(op.kind, `value ${op.value} of enum ${op.name}`, op.value, op.to);
      return;
    case 'dropEnum':
      requireName(op.kind, 'the enum name', op.name);
      return;
    case 'enableRowLevelSecurity':
    case 'disableRowLevelSecurity':
      requireName(op.kind, 'the table name', op.table);
      if (op.force !== undefined && typeof op.force !== 'boolean') throw new InvalidOpError(op.kind, `force on table ${op.table} must be a boolean.`);
      return;
    case 'createPolicy':
      requireName(op.kind, 'the table name', op.table);
      validatePolicy(op.kind, op.table, op.policy);
      return;
    case 'dropPolicy':
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the policy name', op.name);
      return;
    case 'alterPolicy': {
      requireName(op.kind, 'the table name', op.table);
      requireName(op.kind, 'the policy name', op.name);
      const what = `policy ${op.name} on table ${op.table}`;
      if (op.roles === undefined && op.using === undefined && op.withCheck === undefined) {
        throw new InvalidOpError(op.kind, `nothing to change on ${what}: give roles, using and/or withCheck.`);
      }
      validateRoles(op.kind, what, op.roles);
      if (op.using !== undefined) requireName(op.kind, `the USING expression of ${what}`, op.using);
      if (op.withCheck !== undefined) requireName(op.kind, `the WITH CHECK expression of ${what}`, op.withCheck);
      return;
    }
    case 'createRole':
      requireName(op.kind, 'the role name', op.name);
      for (const flag of ['createDb', 'createRole', 'inherit'] as const) {
        if (op[flag] !== undefined && typeof op[flag] !== 'boolean') throw new InvalidOpError(op.kind, `${flag} of role ${op.name} must be a boolean.`);
      }
      return;
    case 'dropRole':
      requireName(op.kind, 'the role name', op.name);
      return;
    case 'createSequence':
    case 'alterSequence':
      requireName(op.kind, 'the sequence name', op.name);
      for (const option of ['start', 'increment', 'minValue', 'maxValue', 'cache'] as const) {
        const value: unknown = op[option];
        if (value !== undefined && (typeof value !== 'string' || !/^[+-]?\d+$/.test(value.trim()))) {
          throw new InvalidOpError(op.kind, `${option} of sequence ${op.name} must be an integer written as a string ('1000').`);
        }
      }
      if (op.increment !== undefined && /^[+-]?0+$/.test(op.increment.trim())) throw new InvalidOpError(op.kind, `the increment of sequence ${op.name} cannot be zero.`);
      if (op.cycle !== undefined && typeof op.cycle !== 'boolean') throw new InvalidOpError(op.kind, `cycle of sequence ${op.name} must be a boolean.`);
      return;
    case 'dropSequence':
      requireName(op.kind, 'the sequence name', op.name);
      return;
    case 'createView':
      requireName(op.kind, 'the view name', op.name);
      requireName(op.kind, `the query of view ${op.name}`, op.definition);
      if (op.materialized !== undefined && typeof op.materialized !== 'boolean') throw new InvalidOpError(op.kind, `materialized of view ${op.name} must be a boolean.`);
      return;
    case 'dropView':
      requireName(op.kind, 'the view name', op.name);
      if (op.definition !== undefined) requireName(op.kind, `the query of view ${op.name}`, op.definition);
      for (const view of op.skipIfCreated ?? []) {
        requireName(op.kind, `a view read from view ${op.name}`, view?.name);
        requireName(op.kind, `the query of view ${view.name}`, view.definition);
      }
      if (op.materialized !== undefined && typeof op.materialized !== 'boolean') throw new InvalidOpError(op.kind, `materialized of view ${op.name} must be a boolean.`);
      return;
    case 'createSchema':
    case 'dropSchema':
      requireName(op.kind, 'the schema name', op.name);
      if (op.name.includes('.')) throw new InvalidOpError(op.kind, `the schema name ${op.name} has a dot: give the schema alone ('billing'), its objects are named 'billing.<name>'.`);
      if (isDefaultSchema(op.name)) throw new InvalidOpError(op.kind, `${op.name} is the default schema, which Strata neither creates nor drops.`);
      return;
    case 'execute':
      requireName(op.kind, 'the SQL', op.sql);
      if (op.params !== undefined && !Array.isArray(op.params)) throw new InvalidOpError(op.kind, 'params must be a list.');
      return;
    default:
      assertNever(op);
  }
}

/** A sequence's options as an op carries them: only those given. @internal */
function sequenceOptions(options: SequenceOptions): SequenceOptions {
  return Object.fromEntries(
    (['start', 'increment', 'minValue', 'maxValue', 'cache', 'cycle'] as const).flatMap((key) => (options[key] !== undefined ? [[key, options[key]]] : [])),
  ) as SequenceOptions;
}

/** The ops of one table, shared by `op.*` and `batch.*` so both build the same data. @internal */
function tableOps(table: string) {
  return {
    addColumn: (column: ColumnDefinition, options: AddColumnOptions = {}): Op => ({
      kind: 'addColumn',
      table,
      column: { ...column },
      ...(options.concurrently !== undefined ? { concurrently: options.concurrently } : {}),
    }),
    dropColumn: (name: string): Op => ({ kind: 'dropColumn', table, column: name }),
    alterColumn: (name: string, change: AlterColumnOptions): Op => ({
      kind: 'alterColumn',
      table,
      column: name,
      ...(change?.type !== undefined ? { type: change.type } : {}),
      ...(change?.using !== undefined ? { using: change.using } : {}),
      ...(change?.nullable !== undefined ? { nullable: change.nullable } : {}),
      ...(change?.default !== undefined ? { default: change.default } : {}),
      ...(change?.identity !== undefined ? { identity: change.identity } : {}),
    }),
    renameColumn: (from: string, to: string): Op => ({ kind: 'renameColumn', table, column: from, to }),
    createIndex: (name: string, columns: readonly IndexColumn[], options: IndexOptions = {}): Op => ({
      kind: 'createIndex',
      table,
      name,
      columns: Array.isArray(columns) ? [...columns] : columns,
      ...(options.unique !== undefined ? { unique: options.unique } : {}),
      ...(options.where !== undefined ? { where: options.where } : {}),
      ...(options.method !== undefined ? { method: options.method } : {}),
      ...(options.with !== undefined ? { with: { ...options.with } } : {}),
      ...(options.concurrently !== undefined ? { concurrently: options.concurrently } : {}),
    }),
    dropIndex: (name: string, options: DropIndexOptions = {}): Op => ({
      kind: 'dropIndex',
      table,
      name,
      ...(options.concurrently !== undefined ? { concurrently: options.concurrently } : {}),
    }),
    createForeignKey: (
      name: string,
      referencedTable: string,
      columns: readonly string[],
      referencedColumns: readonly string[],
      options: ForeignKeyOptions = {},
    ): Op => ({
      kind: 'createForeignKey',
      table,
      foreignKey: {
        name,
        columns: Array.isArray(columns) ? [...columns] : columns,
        referencedTable,
        referencedColumns: Array.isArray(referencedColumns) ? [...referencedColumns] : referencedColumns,
        ...(options.onDelete !== undefined ? { onDelete: options.onDelete } : {}),
        ...(options.onUpdate !== undefined ? { onUpdate: options.onUpdate } : {}),
      },
      ...(options.notValid !== undefined ? { notValid: options.notValid } : {}),
    }),
    dropForeignKey: (name: string): Op => ({ kind: 'dropForeignKey', table, name }),
    createUniqueConstraint: (name: string, columns: readonly string[], options: UniqueOptions = {}): Op => ({
      kind: 'createUniqueConstraint',
      table,
      constraint: { name, columns: Array.isArray(columns) ? [...columns] : columns, ...(options.nullsNotDistinct === true ? { nullsNotDistinct: true } : {}) },
      ...(options.usingIndex !== undefined ? { usingIndex: options.usingIndex } : {}),
    }),
    dropUniqueConstraint: (name: string): Op => ({ kind: 'dropUniqueConstraint', table, name }),
    createCheckConstraint: (name: string, expression: string, options: CheckConstraintOptions = {}): Op => ({
      kind: 'createCheckConstraint',
      table,
      constraint: { name, expression },
      ...(options.notValid !== undefined ? { notValid: options.notValid } : {}),
    }),
    validateConstraint: (name: string): Op => ({ kind: 'validateConstraint', table, name }),
    dropCheckConstraint: (name: string): Op => ({ kind: 'dropCheckConstraint', table, name }),
    createPrimaryKey: (columns: readonly string[], options: { readonly name?: string } = {}): Op => ({
      kind: 'createPrimaryKey',
      table,
      primaryKey: { ...(options.name !== undefined ? { name: options.name } : {}), columns: Array.isArray(columns) ? [...columns] : columns },
    }),
    dropPrimaryKey: (name?: string): Op => ({ kind: 'dropPrimaryKey', table, ...(name !== undefined ? { name } : {}) }),
  };
}

/** Validates, then returns the op. @internal */
function checked(op: Op): Op {
  validateOp(op);
  return op;
}

/**
 * Builds the `op` object a revision receives. Each method validates its arguments, builds the
 * operation and awaits `run(op)`, which renders and executes it (or prints it offline) and keeps
 * the inspector's model current. `batchAlterTable` hands its collected ops to `runBatch` in one call
 * (so a dialect can rebuild the table once for them all), or without it to `run` one by one.
 *
 * @example
 * ```ts
 * import { createOpBuilders } from '@strata/engine';
 * import type { Op } from '@strata/engine';
 * const ran: Op[] = [];
 * const op = createOpBuilders(async (built) => { ran.push(built); });
 * await op.addColumn('clients', { name: 'status', type: 'varchar(20)' });
 * // ran: [{ kind: 'addColumn', table: 'clients', column: { name: 'status', type: 'varchar(20)' } }]
 * ```
 */
export function createOpBuilders(run: (op: Op) => Promise<void>, runBatch?: (ops: readonly Op[]) => Promise<void>): OpBuilders {
  const send = async (op: Op): Promise<void> => run(checked(op));
  return {
    createTable: (name, options) =>
      send({
        kind: 'createTable',
        table: name,
        columns: Array.isArray(options?.columns) ? options.columns.map((c) => ({ ...c })) : (options?.columns ?? []),
        ...(options?.primaryKey !== undefined ? { primaryKey: options.primaryKey } : {}),
        ...(options?.uniqueConstraints !== undefined ? { uniqueConstraints: [...options.uniqueConstraints] } : {}),
        ...(options?.checkConstraints !== undefined ? { checkConstraints: [...options.checkConstraints] } : {}),
        ...(options?.foreignKeys !== undefined ? { foreignKeys: [...options.foreignKeys] } : {}),
      }),
    dropTable: (name) => send({ kind: 'dropTable', table: name }),
    renameTable: (from, to) => send({ kind: 'renameTable', table: from, to }),
    addColumn: (table, column, options) => send(tableOps(table).addColumn(column, options)),
    dropColumn: (table, name) => send(tableOps(table).dropColumn(name)),
    alterColumn: (table, name, change) => send(tableOps(table).alterColumn(name, change)),
    renameColumn: (table, from, to) => send(tableOps(table).renameColumn(from, to)),
    createIndex: (name, table, columns, options) => send(tableOps(table).createIndex(name, columns, options)),
    dropIndex: (name, table, options) => send(tableOps(table).dropIndex(name, options)),
    renameIndex: (table, from, to) => send({ kind: 'renameIndex', table, name: from, to }),
    renameConstraint: (table, from, to) => send({ kind: 'renameConstraint', table, name: from, to }),
    createForeignKey: (name, table, referencedTable, columns, referencedColumns, options) =>
      send(tableOps(table).createForeignKey(name, referencedTable, columns, referencedColumns, options)),
    dropForeignKey: (name, table) => send(tableOps(table).dropForeignKey(name)),
    createUniqueConstraint: (name, table, columns, options) => send(tableOps(table).createUniqueConstraint(name, columns, options)),
    dropUniqueConstraint: (name, table) => send(tableOps(table).dropUniqueConstraint(name)),
    createCheckConstraint: (name, table, expression, options) => send(tableOps(table).createCheckConstraint(name, expression, options)),
    validateConstraint: (table, name) => send(tableOps(table).validateConstraint(name)),
    dropCheckConstraint: (name, table) => send(tableOps(table).dropCheckConstraint(name)),
    createPrimaryKey: (table, columns, options) => send(tableOps(table).createPrimaryKey(columns, options)),
    dropPrimaryKey: (table, name) => send(tableOps(table).dropPrimaryKey(name)),
    createEnum: (name, values) => send({ kind: 'createEnum', name, values: Array.isArray(values) ? [...values] : values }),
    addEnumValue: (name, value, position = {}) =>
      send({
        kind: 'addEnumValue',
        name,
        value,
        ...(position.before !== undefined ? { before: position.before } : {}),
        ...(position.after !== undefined ? { after: position.after } : {}),
      }),
    renameEnumValue: (name, value, to) => send({ kind: 'renameEnumValue', name, value, to }),
    dropEnum: (name) => send({ kind: 'dropEnum', name }),
    enableRowLevelSecurity: (table, options = {}) =>
      send({ kind: 'enableRowLevelSecurity', table, ...(options.force !== undefined ? { force: options.force } : {}) }),
    disableRowLevelSecurity: (table, options = {}) =>
      send({ kind: 'disableRowLevelSecurity', table, ...(options.force !== undefined ? { force: options.force } : {}) }),
    createPolicy: (name, table, options = {}) =>
      send({
        kind: 'createPolicy',
        table,
        policy: {
          name,
          ...(options.permissive !== undefined ? { permissive: options.permissive } : {}),
          ...(options.command !== undefined ? { command: options.command } : {}),
          ...(options.roles !== undefined ? { roles: Array.isArray(options.roles) ? [...options.roles] : options.roles } : {}),
          ...(options.using !== undefined ? { using: options.using } : {}),
          ...(options.withCheck !== undefined ? { withCheck: options.withCheck } : {}),
        },
      }),
    dropPolicy: (name, table) => send({ kind: 'dropPolicy', table, name }),
    alterPolicy: (name, table, change) =>
      send({
        kind: 'alterPolicy',
        table,
        name,
        ...(change?.roles !== undefined ? { roles: Array.isArray(change.roles) ? [...change.roles] : change.roles } : {}),
        ...(change?.using !== undefined ? { using: change.using } : {}),
        ...(change?.withCheck !== undefined ? { withCheck: change.withCheck } : {}),
      }),
    createRole: (name, options = {}) =>
      send({
        kind: 'createRole',
        name,
        ...(options.createDb !== undefined ? { createDb: options.createDb } : {}),
        ...(options.createRole !== undefined ? { createRole: options.createRole } : {}),
        ...(options.inherit !== undefined ? { inherit: options.inherit } : {}),
      }),
    dropRole: (name) => send({ kind: 'dropRole', name }),
    createSequence: (name, options = {}) => send({ ...sequenceOptions(options), kind: 'createSequence', name }),
    alterSequence: (name, options = {}) => send({ ...sequenceOptions(options), kind: 'alterSequence', name }),
    dropSequence: (name) => send({ kind: 'dropSequence', name }),
    createView: (name, definition, options = {}) =>
      send({ kind: 'createView', name, definition, ...(options.materialized !== undefined ? { materialized: options.materialized } : {}) }),
    createSchema: (name) => send({ kind: 'createSchema', name }),
    dropSchema: (name) => send({ kind: 'dropSchema', name }),
    dropView: (name, options = {}) =>
      send({
        kind: 'dropView',
        name,
        ...(options.materialized !== undefined ? { materialized: options.materialized } : {}),
        ...(options.definition !== undefined ? { definition: options.definition } : {}),
      }),
    execute: (sql, params) => send({ kind: 'execute', sql, ...(params !== undefined ? { params: [...params] } : {}) }),
    batchAlterTable: async (table, build) => {
      requireName('batchAlterTable', 'the table name', table);
      const ops = tableOps(table);
      const collected: Op[] = [];
      const add = (op: Op): void => {
        collected.push(checked(op));
      };
      const batch: BatchOperations = {
        addColumn: (column, options) => add(ops.addColumn(column, options)),
        dropColumn: (name) => add(ops.dropColumn(name)),
        alterColumn: (name, change) => add(ops.alterColumn(name, change)),
        renameColumn: (from, to) => add(ops.renameColumn(from, to)),
        createIndex: (name, columns, options) => add(ops.createIndex(name, columns, options)),
        dropIndex: (name, options) => add(ops.dropIndex(name, options)),
        createForeignKey: (name, referencedTable, columns, referencedColumns, options) =>
          add(ops.createForeignKey(name, referencedTable, columns, referencedColumns, options)),
        dropForeignKey: (name) => add(ops.dropForeignKey(name)),
        createUniqueConstraint: (name, columns, options) => add(ops.createUniqueConstraint(name, columns, options)),
        dropUniqueConstraint: (name) => add(ops.dropUniqueConstraint(name)),
        createCheckConstraint: (name, expression, options) => add(ops.createCheckConstraint(name, expression, options)),
        validateConstraint: (name) => add(ops.validateConstraint(name)),
        dropCheckConstraint: (name) => add(ops.dropCheckConstraint(name)),
        createPrimaryKey: (columns, options) => add(ops.createPrimaryKey(columns, options)),
        dropPrimaryKey: (name) => add(ops.dropPrimaryKey(name)),
      };
      await build(batch);
      if (runBatch !== undefined) await runBatch(collected);
      else for (const op of collected) await run(op);
    },
  };
}
