import type { DialectCapabilities } from '../dialects/dialect.js';
import type { SchemaNormalizer } from '../dialects/renderer.js';
import { applyToModel } from '../ops/apply-to-model.js';
import type { AlterColumnOp, Op } from '../ops/op.js';
import type { SchemaModel } from '../schema/model.js';
export type { SafetyMode } from '../config/stream-settings.js';

/** A bare identifier needs no quotes in an expression; anything else is double-quoted (PostgreSQL, where this form runs). */
function expressionName(column: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(column) ? column : `"${column.replaceAll('"', '""')}"`;
}

/**
 * The safe forms of the ops that would hold a long lock on a table that already exists (an op on a
 * table the same list creates is left alone: that table is empty), as far as the dialect's
 * capabilities allow; the final schema is the same as the plain ops'.
 *
 * - `createIndex` → `concurrently: true` (`onlineIndexes`);
 * - `createForeignKey`, `createCheckConstraint` → `notValid: true`, then `validateConstraint`
 *   (`notValidConstraints`);
 * - `createUniqueConstraint` → a unique index built concurrently under the constraint's name, then
 *   the constraint `usingIndex` it (`notValidConstraints` and `onlineIndexes`; not for NULLS NOT DISTINCT);
 * - `alterColumn` to NOT NULL → `CHECK (col IS NOT NULL) NOT VALID`, `validateConstraint`, SET NOT
 *   NULL (no scan over the valid check), then the check dropped (`notValidConstraints`).
 *
 * The revision then runs statement by statement (`transactional: false`, which the renderer writes):
 * VALIDATE and the concurrent builds must not run inside the transaction of the ADD, whose lock they
 * would hold through the scan.
 *
 * @example
 * ```ts
 * import { toSafeForms, emptySchema, PostgresDialect } from '@strata/engine';
 * const dialect = new PostgresDialect();
 * toSafeForms([{ kind: 'createIndex', table: 'orders', name: 'ix', columns: ['user_id'] }], emptySchema(), dialect.capabilities, dialect.normalizer);
 * ```
 */
export function toSafeForms(ops: readonly Op[], before: SchemaModel, capabilities: DialectCapabilities, normalizer: SchemaNormalizer): Op[] {
  const existing = new Set(before.tables.keys());
  const out: Op[] = [];
  let model = before;
  for (const op of ops) {
    const live = 'table' in op && existing.has(op.table);
    const forms = live ? safeForm(op, model, capabilities) : [op];
    for (const form of forms) model = applyToModel(model, form, normalizer);
    out.push(...forms);
    if (op.kind === 'dropTable') existing.delete(op.table);
    if (op.kind === 'renameTable' && existing.delete(op.table)) existing.add(op.to);
  }
  return out;
}

function safeForm(op: Op, model: SchemaModel, capabilities: DialectCapabilities): Op[] {
  const notValid = capabilities.notValidConstraints === true;
  const online = capabilities.onlineIndexes === true;
  switch (op.kind) {
    case 'createIndex':
      return online && op.concurrently !== true ? [{ ...op, concurrently: true }] : [op];
    case 'createForeignKey':
      return notValid ? [{ ...op, notValid: true }, { kind: 'validateConstraint', table: op.table, name: op.foreignKey.name }] : [op];
    case 'createCheckConstraint':
      return notValid ? [{ ...op, notValid: true }, { kind: 'validateConstraint', table: op.table, name: op.constraint.name }] : [op];
    case 'createUniqueConstraint':
      if (!notValid || !online || op.constraint.nullsNotDistinct === true || op.usingIndex !== undefined) return [op];
      return [
        { kind: 'createIndex', table: op.table, name: op.constraint.name, columns: op.constraint.columns, unique: true, concurrently: true },
        { ...op, usingIndex: op.constraint.name },
      ];
    case 'alterColumn':
      return notValid ? notNullSafely(op, model) : [op];
    default:
      return [op];
  }
}

/** SET NOT NULL through a validated check (PostgreSQL 12+ skips the scan when one proves it), other changes first. */
function notNullSafely(op: AlterColumnOp, model: SchemaModel): Op[] {
  const column = model.tables.get(op.table)?.columns.find((c) => c.name === op.column);
  if (op.nullable !== false || column === undefined || !column.nullable) return [op];
  const { nullable: _nullable, ...rest } = op;
  const others = Object.keys(rest).some((key) => !['kind', 'table', 'column', 'existing'].includes(key)) ? [rest as AlterColumnOp] : [];
  const check = `${op.table.replace(/^.*\./, '')}_${op.column}_not_null`;
  return [
    ...others,
    { kind: 'createCheckConstraint', table: op.table, constraint: { name: check, expression: `${expressionName(op.column)} IS NOT NULL` }, notValid: true },
    { kind: 'validateConstraint', table: op.table, name: check },
    { kind: 'alterColumn', table: op.table, column: op.column, nullable: false },
    { kind: 'dropCheckConstraint', table: op.table, name: check },
  ];
}

