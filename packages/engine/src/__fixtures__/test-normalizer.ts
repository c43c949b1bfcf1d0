import type { SchemaNormalizer } from '../dialects/renderer.js';
import { applyToModel } from '../ops/apply-to-model.js';
import type { Op } from '../ops/op.js';
import type { SchemaModel } from '../schema/model.js';

/** A dialect-free normalizer for model specs: lower-cases types (a quoted one unquoted), trims defaults (NULL means none), collapses whitespace in expressions. */
export const TEST_NORMALIZER: SchemaNormalizer = {
  normalizeType: (type) => type.trim().replace(/^"(.*)"$/, '$1').toLowerCase(),
  normalizeDefault: (expression) => (expression === undefined || expression.trim().toUpperCase() === 'NULL' ? undefined : expression.trim()),
  normalizeExpression: (expression) => expression.trim().replace(/\s+/g, ' '),
};

/** `ops` applied in order to `model` with {@link TEST_NORMALIZER}. */
export function applyAll(model: SchemaModel, ...ops: Op[]): SchemaModel {
  return ops.reduce((current, op) => applyToModel(current, op, TEST_NORMALIZER), model);
}
