import type {
  CheckConstraintModel,
  ColumnModel,
  EnumModel,
  ForeignKeyModel,
  IdentityModel,
  IndexModel,
  IndexPart,
  PolicyModel,
  PrimaryKeyModel,
  RoleModel,
  UniqueConstraintModel,
} from '../schema/model.js';

// One-line, SQL-ish descriptions of schema objects, for guard differences and messages. Two objects
// of a kind describe the same exactly when the guards consider them equal, so a guard compares
// descriptions (`GuardDifference.expected` / `actual`).

/**
 * A column's definition without its name: type, `NULL`/`NOT NULL`, default, auto-increment,
 * generated expression.
 *
 * @example
 * ```ts
 * import { describeColumn } from '@strata/engine';
 * describeColumn({ name: 'code', type: 'varchar(255)', nullable: false, default: "'x'" }); // varchar(255) NOT NULL DEFAULT 'x'
 * ```
 */
export function describeColumn(column: ColumnModel): string {
  return [
    column.type,
    column.nullable ? 'NULL' : 'NOT NULL',
    ...(column.default !== undefined ? [`DEFAULT ${column.default}`] : []),
    ...(column.autoIncrement ? [column.identity === undefined ? 'AUTO_INCREMENT' : describeIdentity(column.identity)] : []),
    ...(column.generated !== undefined ? [`GENERATED ALWAYS AS (${column.generated.expression}) ${column.generated.stored ? 'STORED' : 'VIRTUAL'}`] : []),
  ].join(' ');
}

/** `GENERATED ALWAYS AS IDENTITY (INCREMENT 10, START 100)`: the kind and the options that differ from the defaults. @internal */
function describeIdentity(identity: IdentityModel): string {
  const options = (['start', 'increment', 'minValue', 'maxValue', 'cache'] as const).flatMap((key) => (identity[key] === undefined ? [] : [`${key} ${identity[key]}`]));
  if (identity.cycle === true) options.push('cycle');
  return `GENERATED ${identity.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${options.length > 0 ? ` (${options.join(', ')})` : ''}`;
}

/** `a`, `lower(b)`, `c text_pattern_ops DESC NULLS LAST`. @internal */
function describePart(part: IndexPart): string {
  return [
    'column' in part ? part.column : part.expression,
    ...(part.opclass !== undefined ? [part.opclass] : []),
    ...(part.order !== undefined ? [part.order.toUpperCase()] : []),
    ...(part.nulls !== undefined ? [`NULLS ${part.nulls.toUpperCase()}`] : []),
  ].join(' ');
}

/**
 * An index: uniqueness, name, parts with their keying, access method, storage parameters (by
 * name, so their order does not matter), predicate, and `INVALID` for an index a failed concurrent
 * build left. `concurrently` is not described: it is how the index is built, not what it is.
 *
 * @example
 * ```ts
 * import { describeIndex } from '@strata/engine';
 * describeIndex({ name: 'ix', parts: [{ column: 'a' }, { expression: 'lower(b)' }], unique: true, where: 'x' });
 * // UNIQUE INDEX ix ON (a, lower(b)) WHERE x
 * ```
 */
export function describeIndex(index: IndexModel): string {
  return [
    `${index.unique ? 'UNIQUE ' : ''}INDEX ${index.name} ON (${index.parts.map(describePart).join(', ')})`,
    ...(index.method !== undefined ? [`USING ${index.method}`] : []),
    ...(index.with !== undefined
      ? [`WITH (${Object.entries(index.with).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => `${name}=${value}`).join(', ')})`]
      : []),
    ...(index.where !== undefined ? [`WHERE ${index.where}`] : []),
    ...(index.valid === false ? ['INVALID'] : []),
  ].join(' ');
}

/**
 * A foreign key: name, columns, referenced table and columns, both actions.
 *
 * @example
 * ```ts
 * import { describeForeignKey } from '@strata/engine';
 * describeForeignKey({ name: 'fk', columns: ['client_id'], referencedTable: 'clients', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' });
 * // FOREIGN KEY fk (client_id) REFERENCES clients (id) ON DELETE CASCADE ON UPDATE NO ACTION
 * ```
 */
export function describeForeignKey(foreignKey: ForeignKeyModel): string {
  return (
    `FOREIGN KEY ${foreignKey.name} (${foreignKey.columns.join(', ')}) REFERENCES ${foreignKey.referencedTable} ` +
    `(${foreignKey.referencedColumns.join(', ')}) ON DELETE ${foreignKey.onDelete.toUpperCase()} ON UPDATE ${foreignKey.onUpdate.toUpperCase()}`
  );
}

/**
 * A unique constraint: name and columns.
 *
 * @example
 * ```ts
 * import { describeUniqueConstraint } from '@strata/engine';
 * describeUniqueConstraint({ name: 'uq', columns: ['a', 'b'] }); // UNIQUE uq (a, b)
 * ```
 */
export function describeUniqueConstraint(constraint: UniqueConstraintModel): string {
  return `UNIQUE ${constraint.name}${constraint.nullsNotDistinct === true ? ' NULLS NOT DISTINCT' : ''} (${constraint.columns.join(', ')})`;
}

/**
 * A check constraint: name and expression.
 *
 * @example
 * ```ts
 * import { describeCheckConstraint } from '@strata/engine';
 * describeCheckConstraint({ name: 'ck', expression: 'amount >= 0' }); // CHECK ck (amount >= 0)
 * ```
 */
export function describeCheckConstraint(constraint: CheckConstraintModel): string {
  return `CHECK ${constraint.name} (${constraint.expression})`;
}

/**
 * A primary key: its name where it has one, and its columns.
 *
 * @example
 * ```ts
 * import { describePrimaryKey } from '@strata/engine';
 * describePrimaryKey({ columns: ['a', 'b'] }); // PRIMARY KEY (a, b)
 * ```
 */
export function describePrimaryKey(primaryKey: PrimaryKeyModel): string {
  return `PRIMARY KEY ${primaryKey.name !== undefined ? `${primaryKey.name} ` : ''}(${primaryKey.columns.join(', ')})`;
}

/**
 * An enum: name and values in order, as string literals.
 *
 * @example
 * ```ts
 * import { describeEnum } from '@strata/engine';
 * describeEnum({ name: 'mood', values: ['sad', "it's ok"] }); // ENUM mood ('sad', 'it''s ok')
 * ```
 */
export function describeEnum(value: EnumModel): string {
  return `ENUM ${value.name} (${value.values.map((v) => `'${v.split("'").join("''")}'`).join(', ')})`;
}

/**
 * A policy as `CREATE POLICY` states it: name, permissive or restrictive, command, roles, expressions.
 *
 * @example
 * ```ts
 * import { describePolicy } from '@strata/engine';
 * describePolicy({ name: 'own', permissive: true, command: 'select', roles: ['public'], using: '(owner = CURRENT_USER)' });
 * // POLICY own AS PERMISSIVE FOR SELECT TO public USING ((owner = CURRENT_USER))
 * ```
 */
export function describePolicy(policy: PolicyModel): string {
  return [
    `POLICY ${policy.name} AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${policy.command.toUpperCase()} TO ${policy.roles.join(', ')}`,
    ...(policy.using !== undefined ? [`USING (${policy.using})`] : []),
    ...(policy.withCheck !== undefined ? [`WITH CHECK (${policy.withCheck})`] : []),
  ].join(' ');
}

/**
 * A role and its options, as `CREATE ROLE` states them.
 *
 * @example
 * ```ts
 * import { describeRole } from '@strata/engine';
 * describeRole({ name: 'app', createDb: false, createRole: false, inherit: true }); // ROLE app NOCREATEDB NOCREATEROLE INHERIT
 * ```
 */
export function describeRole(role: RoleModel): string {
  return `ROLE ${role.name} ${role.createDb ? 'CREATEDB' : 'NOCREATEDB'} ${role.createRole ? 'CREATEROLE' : 'NOCREATEROLE'} ${role.inherit ? 'INHERIT' : 'NOINHERIT'}`;
}

/**
 * Some columns of a table, each with its name; a name mapped to undefined is shown as missing.
 *
 * @example
 * ```ts
 * import { describeTableColumns } from '@strata/engine';
 * describeTableColumns('clients', [['id', { name: 'id', type: 'integer', nullable: false }], ['email', undefined]]);
 * // TABLE clients (id integer NOT NULL, email missing)
 * ```
 */
export function describeTableColumns(table: string, columns: readonly (readonly [string, ColumnModel | undefined])[]): string {
  return `TABLE ${table} (${columns.map(([name, column]) => `${name} ${column === undefined ? 'missing' : describeColumn(column)}`).join(', ')})`;
}
