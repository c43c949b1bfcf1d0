import { StrataError } from '../errors.js';

/**
 * The kinds of schema object an operation can name, as messages spell them.
 *
 * @example
 * ```ts
 * import type { SchemaObjectKind } from '@strata/engine';
 * const kind: SchemaObjectKind = 'foreign key';
 * ```
 */
export type SchemaObjectKind =
  | 'table'
  | 'column'
  | 'index'
  | 'foreign key'
  | 'unique constraint'
  | 'check constraint'
  | 'constraint'
  | 'primary key'
  | 'enum'
  | 'enum value'
  | 'policy'
  | 'role'
  | 'sequence'
  | 'view'
  | 'materialized view'
  | 'schema';

/** ` on table t` when the object lives in a table. @internal */
function onTable(table: string | undefined): string {
  return table === undefined ? '' : ` on table ${table}`;
}

/**
 * An operation names a table that does not exist (at that point of the stream): dropping, altering
 * or referencing a missing table. Offline mode reports it for an unguarded operation.
 *
 * @example
 * ```ts
 * import { TableMissingError } from '@strata/engine';
 * const error = new TableMissingError('clients', 'dropTable');
 * console.log(error.code); // OPS_TABLE_MISSING
 * ```
 */
export class TableMissingError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_TABLE_MISSING';
  constructor(table: string, op: string) {
    super(TableMissingError.CODE, `${op}: table ${table} does not exist.`, {
      hint: `Guard the operation (\`if (await inspect.hasTable('${table}'))\`), or check the table name and the revision order (\`strata history\`).`,
      details: { table, op },
    });
  }
}

/**
 * An operation names a column that its table does not have.
 *
 * @example
 * ```ts
 * import { ColumnMissingError } from '@strata/engine';
 * new ColumnMissingError('clients', 'status', 'dropColumn').code; // OPS_COLUMN_MISSING
 * ```
 */
export class ColumnMissingError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_COLUMN_MISSING';
  constructor(table: string, column: string, op: string) {
    super(ColumnMissingError.CODE, `${op}: column ${column} does not exist on table ${table}.`, {
      hint: `Guard the operation (\`if (await inspect.hasColumn('${table}', '${column}'))\`), or check the column name.`,
      details: { table, column, op },
    });
  }
}

/**
 * An operation drops, renames or alters an index, constraint, primary key, enum or enum value that
 * does not exist.
 *
 * @example
 * ```ts
 * import { ObjectMissingError } from '@strata/engine';
 * new ObjectMissingError('index', 'ix_clients_email', 'clients', 'dropIndex').code; // OPS_OBJECT_MISSING
 * ```
 */
export class ObjectMissingError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_OBJECT_MISSING';
  constructor(object: SchemaObjectKind, name: string, table: string | undefined, op: string) {
    super(ObjectMissingError.CODE, `${op}: ${object} ${name}${onTable(table)} does not exist.`, {
      hint: 'Guard the operation with the matching `inspect.has*` check, or check the name against `strata inspect`.',
      details: { object, name, table: table ?? null, op },
    });
  }
}

/**
 * An operation creates (or renames something to) a table, column, index, constraint, primary key,
 * enum or enum value that already exists.
 *
 * @example
 * ```ts
 * import { ObjectExistsError } from '@strata/engine';
 * new ObjectExistsError('column', 'status', 'clients', 'addColumn').code; // OPS_OBJECT_EXISTS
 * ```
 */
export class ObjectExistsError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_OBJECT_EXISTS';
  constructor(object: SchemaObjectKind, name: string, table: string | undefined, op: string) {
    super(ObjectExistsError.CODE, `${op}: ${object} ${name}${onTable(table)} already exists.`, {
      hint: 'Guard the operation (`if (!(await inspect.has…(…)))`, the seed\'s idempotent pattern) or pick another name.',
      details: { object, name, table: table ?? null, op },
    });
  }
}

/**
 * An operation would remove an object that another object still needs: dropping a table that other
 * tables' foreign keys reference, a column inside a multi-column index or a foreign key, an enum
 * that columns use. The servers refuse (or disagree on what to do), so the revision must say it.
 *
 * @example
 * ```ts
 * import { ObjectInUseError } from '@strata/engine';
 * const error = new ObjectInUseError('table', 'clients', undefined, 'dropTable', 'foreign key fk_orders_client on table orders');
 * console.log(error.code); // OPS_OBJECT_IN_USE
 * ```
 */
export class ObjectInUseError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_OBJECT_IN_USE';
  constructor(object: SchemaObjectKind, name: string, table: string | undefined, op: string, usedBy: string) {
    super(ObjectInUseError.CODE, `${op}: ${object} ${name}${onTable(table)} is still used by ${usedBy}.`, {
      hint: `Drop or change ${usedBy} first, in an earlier operation of the revision.`,
      details: { object, name, table: table ?? null, op, usedBy },
    });
  }
}

/**
 * A malformed operation: an empty column list, an unknown foreign key action, a rename to the same
 * name, an `alterColumn` that changes nothing... Raised before the operation is built or applied.
 *
 * @example
 * ```ts
 * import { InvalidOpError } from '@strata/engine';
 * new InvalidOpError('createIndex', 'index ix_a on table a has no columns.').code; // OPS_INVALID
 * ```
 */
export class InvalidOpError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_INVALID';
  constructor(op: string, problem: string) {
    super(InvalidOpError.CODE, `${op}: ${problem}`, {
      hint: 'Fix the operation in the revision file, then run `strata check`.',
      details: { op, problem },
    });
  }
}

/**
 * An operation has no inverse: a PostgreSQL enum value cannot be dropped, and raw SQL means nothing
 * the model can undo. The downgrade must be written by hand.
 *
 * @example
 * ```ts
 * import { IrreversibleOpError } from '@strata/engine';
 * new IrreversibleOpError('execute', 'raw SQL').code; // OPS_IRREVERSIBLE
 * ```
 */
export class IrreversibleOpError extends StrataError {
  /** The code every instance carries. */
  static readonly CODE = 'OPS_IRREVERSIBLE';
  constructor(op: string, subject: string, reason?: string) {
    super(IrreversibleOpError.CODE, `${op} (${subject}) cannot be reversed${reason ? `: ${reason}` : ''}.`, {
      hint: 'Write the downgrade by hand (for an enum value: create a new enum without it and move the columns over), or leave the downgrade empty on purpose.',
      details: { op, subject },
    });
  }
}
