import type { SchemaNormalizer } from '../dialects/renderer.js';
import type { ColumnModel, IndexModel, PolicyModel, SchemaModel, SequenceModel, TableModel, ViewModel } from './model.js';

/**
 * Stated versus compared. The model keeps two forms of every piece of SQL text it holds: the form
 * used to compare (normalised by the dialect, so that what a revision wrote and what the server
 * prints back compare equal) and, where it differs, the text as stated, which is the only one ever
 * rendered. Rendering the comparison form loses meaning: `ARRAY[]::text[]` compares as `array[]`,
 * which PostgreSQL cannot type.
 */

/**
 * The default to render: as stated, else the comparison form (they are the same).
 *
 * @example
 * ```ts
 * import { statedDefault } from '@strata/engine';
 * statedDefault({ default: 'array[]', statedDefault: 'ARRAY[]::text[]' }); // 'ARRAY[]::text[]'
 * ```
 */
export function statedDefault(column: Pick<ColumnModel, 'default' | 'statedDefault'>): string | undefined {
  return column.statedDefault ?? column.default;
}

/**
 * The expression to render of a check, a generated column or an index part.
 *
 * @example
 * ```ts
 * import { statedExpression } from '@strata/engine';
 * statedExpression({ expression: 'created', statedExpression: '(created::date)' }); // '(created::date)'
 * ```
 */
export function statedExpression(value: { readonly expression: string; readonly statedExpression?: string }): string {
  return value.statedExpression ?? value.expression;
}

/**
 * The predicate to render of a partial index.
 *
 * @example
 * ```ts
 * import { statedWhere } from '@strata/engine';
 * statedWhere({ where: "status = 'open'" }); // "status = 'open'"
 * ```
 */
export function statedWhere(index: Pick<IndexModel, 'where' | 'statedWhere'>): string | undefined {
  return index.statedWhere ?? index.where;
}

/**
 * A policy's `USING` and `WITH CHECK` to render.
 *
 * @example
 * ```ts
 * import { statedPolicy } from '@strata/engine';
 * statedPolicy({ using: 'owner = current_user', statedUsing: 'owner = CURRENT_USER' }); // { using: 'owner = CURRENT_USER' }
 * ```
 */
export function statedPolicy(policy: Pick<PolicyModel, 'using' | 'statedUsing' | 'withCheck' | 'statedWithCheck'>): { using?: string; withCheck?: string } {
  const using = policy.statedUsing ?? policy.using;
  const withCheck = policy.statedWithCheck ?? policy.withCheck;
  return { ...(using !== undefined ? { using } : {}), ...(withCheck !== undefined ? { withCheck } : {}) };
}

/** A policy's expressions as the model holds them: compared, and stated where different. @internal */
export function policyExpressionFields(stated: { using?: string; withCheck?: string }, normalizer: SchemaNormalizer): Pick<PolicyModel, 'using' | 'statedUsing' | 'withCheck' | 'statedWithCheck'> {
  return {
    ...(stated.using !== undefined ? statedPair('using', 'statedUsing', stated.using, normalizer.normalizeExpression(stated.using)) : {}),
    ...(stated.withCheck !== undefined ? statedPair('withCheck', 'statedWithCheck', stated.withCheck, normalizer.normalizeExpression(stated.withCheck)) : {}),
  };
}

/**
 * The comparison form and, where it differs, the stated text, as the fields of a model object:
 * `compared` is the normalised form of `stated`.
 * @internal
 */
export function statedPair<K extends string, S extends string>(key: K, statedKey: S, stated: string, compared: string): { [P in K]: string } & { [P in S]?: string } {
  const text = stated.trim();
  return (text === compared ? { [key]: compared } : { [key]: compared, [statedKey]: text }) as { [P in K]: string } & { [P in S]?: string };
}

/**
 * The model without its stated forms and the server's stored definitions: what two models from
 * different sources (a live database, a Drizzle schema, replayed revisions) are compared on.
 *
 * @example
 * ```ts
 * import { comparableSchema, emptySchema } from '@strata/engine';
 * comparableSchema(emptySchema()).tables.size; // 0
 * ```
 */
export function comparableSchema({ stored: _stored, ...model }: SchemaModel): SchemaModel {
  const tables = new Map<string, TableModel>();
  for (const [name, table] of model.tables) tables.set(name, comparableTable(table));
  if (model.views === undefined) return { ...model, tables };
  const views = new Map<string, ViewModel>();
  for (const [name, { statedDefinition: _stated, ...view }] of model.views) views.set(name, view);
  return { ...model, tables, views };
}

/**
 * One table without its stated forms, nor what is stated only (an index's `concurrently`).
 *
 * @example
 * ```ts
 * import { comparableTable } from '@strata/engine';
 * comparableTable({ name: 't', columns: [], indexes: [], foreignKeys: [], uniqueConstraints: [], checkConstraints: [] }).name; // 't'
 * ```
 */
export function comparableTable(table: TableModel): TableModel {
  return {
    ...table,
    columns: table.columns.map(({ statedDefault: _default, statedType: _type, ...column }) =>
      column.generated === undefined ? column : { ...column, generated: { expression: column.generated.expression, stored: column.generated.stored } },
    ),
    indexes: table.indexes.map(({ statedWhere: _where, concurrently: _concurrently, ...index }) => ({
      ...index,
      parts: index.parts.map((part) => {
        if (!('expression' in part)) return part;
        const { statedExpression: _stated, ...compared } = part;
        return compared;
      }),
    })),
    checkConstraints: table.checkConstraints.map(({ name, expression }) => ({ name, expression })),
    ...(table.policies === undefined ? {} : { policies: table.policies.map(({ statedUsing: _using, statedWithCheck: _check, ...policy }) => policy) }),
  };
}

/**
 * A default as the model holds it: the comparison form, and the stated SQL beside it where the two
 * differ (see `statedPair`). Nothing for no default or `NULL`.
 * @internal
 */
export function defaultFields(stated: string | undefined, type: string, normalizer: SchemaNormalizer): Pick<ColumnModel, 'default' | 'statedDefault'> {
  const compared = normalizer.normalizeDefault(stated, type);
  return stated === undefined || compared === undefined ? {} : statedPair('default', 'statedDefault', stated, compared);
}

/** An expression (check, generated column, index part) as the model holds it: compared, and stated where different. @internal */
export function expressionFields(stated: string, normalizer: SchemaNormalizer): { expression: string; statedExpression?: string } {
  return statedPair('expression', 'statedExpression', stated, normalizer.normalizeExpression(stated));
}


/**
 * The query to render of a view: as stated, else the comparison form.
 *
 * @example
 * ```ts
 * import { statedDefinition } from '@strata/engine';
 * statedDefinition({ definition: 'select id from t', statedDefinition: 'SELECT id FROM t' }); // 'SELECT id FROM t'
 * ```
 */
export function statedDefinition(view: Pick<ViewModel, 'definition' | 'statedDefinition'>): string {
  return view.statedDefinition ?? view.definition;
}

/**
 * A view as the model holds it: the query compared through the dialect's view normalization (the
 * expression one where the dialect has none), stated where different.
 * @internal
 */
export function toViewModel(view: { readonly name: string; readonly definition: string; readonly materialized?: boolean }, normalizer: SchemaNormalizer): ViewModel {
  const compared = normalizer.normalizeViewDefinition?.(view.definition) ?? normalizer.normalizeExpression(view.definition);
  return { name: view.name, materialized: view.materialized === true, ...statedPair('definition', 'statedDefinition', view.definition, compared) };
}

/**
 * A sequence as the model holds it: options at the defaults left out (`normalizeSequence`).
 *
 * @example
 * ```ts
 * import { toSequenceModel } from '@strata/engine';
 * import type { SchemaNormalizer } from '@strata/engine';
 * declare const normalizer: SchemaNormalizer;
 * toSequenceModel({ name: 'invoice_numbers', start: '1000', increment: '1' }, normalizer); // { name: 'invoice_numbers', start: '1000' }
 * ```
 */
export function toSequenceModel(sequence: SequenceModel, normalizer: SchemaNormalizer): SequenceModel {
  const model: SequenceModel = {
    name: sequence.name,
    ...(sequence.start !== undefined ? { start: sequence.start } : {}),
    ...(sequence.increment !== undefined ? { increment: sequence.increment } : {}),
    ...(sequence.minValue !== undefined ? { minValue: sequence.minValue } : {}),
    ...(sequence.maxValue !== undefined ? { maxValue: sequence.maxValue } : {}),
    ...(sequence.cache !== undefined ? { cache: sequence.cache } : {}),
    ...(sequence.cycle === true ? { cycle: true } : {}),
  };
  return normalizer.normalizeSequence?.(model) ?? model;
}

