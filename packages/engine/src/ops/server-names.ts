import { clipIdentifier, exceedsLimit, type IdentifierLimit } from '../schema/identifiers.js';
import { splitQualifiedName } from '../schema/qualified-name.js';
import type { ForeignKeyDefinition, IndexColumn, Op, PolicyDefinition, PrimaryKeyDefinition } from './op.js';

/**
 * Names as the server keeps them. PostgreSQL cuts a name longer than 63 bytes and creates, drops and
 * finds the object under the cut name, without a word; Strata names it the same way everywhere (the
 * statements it sends, the guards' lookups, the model the next guard reads), so a guard finds what
 * the op made and a re-run skips it instead of failing with "already exists". MySQL and MariaDB
 * refuse a name longer than 64 characters, and so does Strata's MySQL dialect before the statement
 * goes out (`DIALECT_IDENTIFIER_TOO_LONG`, with a name that fits): names pass here unchanged there.
 * SQLite has no limit.
 */

/**
 * The name the server keeps for `name`: cut as the server cuts it where it truncates long names,
 * each part of `schema.name` on its own; unchanged otherwise.
 *
 * @example
 * ```ts
 * import { serverName } from '@strata/engine';
 * serverName('ix_' + 'a'.repeat(70), { max: 63, unit: 'bytes', overflow: 'truncate' }).length; // 63
 * ```
 */
export function serverName(name: string, limit: IdentifierLimit | undefined): string {
  if (limit?.overflow !== 'truncate') return name;
  const part = (text: string): string => (exceedsLimit(text, limit) ? clipIdentifier(text, limit) : text);
  const { schema, name: local } = splitQualifiedName(name);
  return schema === undefined ? part(local) : `${part(schema)}.${part(local)}`;
}

/**
 * `op` with every object name it carries (tables, columns, indexes, constraints, enums, sequences,
 * views, policies, roles, schemas) as the server keeps it ({@link serverName}); SQL text (defaults,
 * expressions, view bodies) is left alone.
 *
 * @example
 * ```ts
 * import { withServerNames } from '@strata/engine';
 * const op = withServerNames({ kind: 'dropIndex', table: 'events', name: 'i'.repeat(70) }, { max: 63, unit: 'bytes', overflow: 'truncate' });
 * op.kind === 'dropIndex' && op.name.length; // 63
 * ```
 */
export function withServerNames(op: Op, limit: IdentifierLimit | undefined): Op {
  if (limit?.overflow !== 'truncate') return op;
  const id = (name: string): string => serverName(name, limit);
  const ids = (names: readonly string[]): string[] => names.map(id);
  const indexColumn = (column: IndexColumn): IndexColumn =>
    typeof column === 'string' ? id(column) : 'column' in column ? { ...column, column: id(column.column) } : column;
  const foreignKey = (key: ForeignKeyDefinition): ForeignKeyDefinition => ({
    ...key,
    name: id(key.name),
    columns: ids(key.columns),
    referencedTable: id(key.referencedTable),
    referencedColumns: ids(key.referencedColumns),
  });
  const primaryKey = (key: PrimaryKeyDefinition): PrimaryKeyDefinition => ({ ...key, ...(key.name !== undefined ? { name: id(key.name) } : {}), columns: ids(key.columns) });
  const policy = (definition: PolicyDefinition): PolicyDefinition => ({ ...definition, name: id(definition.name), ...(definition.roles ? { roles: ids(definition.roles) } : {}) });
  switch (op.kind) {
    case 'execute':
      return op;
    case 'createTable':
      return {
        ...op,
        table: id(op.table),
        columns: op.columns.map((column) => ({ ...column, name: id(column.name) })),
        ...(op.primaryKey ? { primaryKey: primaryKey(op.primaryKey) } : {}),
        ...(op.uniqueConstraints ? { uniqueConstraints: op.uniqueConstraints.map((u) => ({ ...u, name: id(u.name), columns: ids(u.columns) })) } : {}),
        ...(op.checkConstraints ? { checkConstraints: op.checkConstraints.map((c) => ({ ...c, name: id(c.name) })) } : {}),
        ...(op.foreignKeys ? { foreignKeys: op.foreignKeys.map(foreignKey) } : {}),
      };
    case 'renameTable':
      return { ...op, table: id(op.table), to: id(op.to) };
    case 'addColumn':
      return { ...op, table: id(op.table), column: { ...op.column, name: id(op.column.name) } };
    case 'dropColumn':
    case 'alterColumn':
      return { ...op, table: id(op.table), column: id(op.column) };
    case 'renameColumn':
      return { ...op, table: id(op.table), column: id(op.column), to: id(op.to) };
    case 'createIndex':
      return { ...op, table: id(op.table), name: id(op.name), columns: op.columns.map(indexColumn) };
    case 'renameIndex':
    case 'renameConstraint':
      return { ...op, table: id(op.table), name: id(op.name), to: id(op.to) };
    case 'dropIndex':
    case 'dropForeignKey':
    case 'dropUniqueConstraint':
    case 'dropCheckConstraint':
    case 'validateConstraint':
    case 'dropPolicy':
      return { ...op, table: id(op.table), name: id(op.name) };
    case 'alterPolicy':
      return { ...op, table: id(op.table), name: id(op.name), ...(op.roles ? { roles: ids(op.roles) } : {}) };
    case 'dropPrimaryKey':
      return { ...op, table: id(op.table), ...(op.name !== undefined ? { name: id(op.name) } : {}) };
    case 'createForeignKey':
      return { ...op, table: id(op.table), foreignKey: foreignKey(op.foreignKey) };
    case 'createUniqueConstraint':
      return {
        ...op,
        table: id(op.table),
        constraint: { ...op.constraint, name: id(op.constraint.name), columns: ids(op.constraint.columns) },
        ...(op.usingIndex !== undefined ? { usingIndex: id(op.usingIndex) } : {}),
      };
    case 'createCheckConstraint':
      return { ...op, table: id(op.table), constraint: { ...op.constraint, name: id(op.constraint.name) } };
    case 'createPrimaryKey':
      return { ...op, table: id(op.table), primaryKey: primaryKey(op.primaryKey) };
    case 'dropTable':
    case 'enableRowLevelSecurity':
    case 'disableRowLevelSecurity':
      return { ...op, table: id(op.table) };
    case 'createPolicy':
      return { ...op, table: id(op.table), policy: policy(op.policy) };
    case 'dropView':
      return { ...op, name: id(op.name), ...(op.skipIfCreated ? { skipIfCreated: op.skipIfCreated.map((view) => ({ ...view, name: id(view.name) })) } : {}) };
    case 'createEnum':
    case 'addEnumValue':
    case 'renameEnumValue':
    case 'dropEnum':
    case 'createRole':
    case 'dropRole':
    case 'createSequence':
    case 'alterSequence':
    case 'dropSequence':
    case 'createView':
    case 'createSchema':
    case 'dropSchema':
      return { ...op, name: id(op.name) };
  }
}
