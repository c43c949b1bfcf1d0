/**
 * Schema-qualified names. A PostgreSQL object outside the connection's default schema (`public`) is
 * named `schema.name` everywhere Strata takes a name (the model's keys, ops, guards, revisions):
 * `billing.invoices`, `billing.invoice_status`, a foreign key to `auth.users`, as Alembic's
 * `schema=` would place it. An object in the default schema keeps its bare name. Indexes and
 * constraints are named bare: they live in their table's schema.
 *
 * The first `.` separates the schema, so an object whose own name holds a dot cannot be named
 * (the Drizzle adapter refuses such a name on PostgreSQL).
 */

/** A name split into its schema (undefined: the default schema) and its name within that schema. */
export interface QualifiedName {
  readonly schema?: string;
  readonly name: string;
}

/**
 * Splits `schema.name` at its first dot; a name without one is in the default schema.
 *
 * @example
 * ```ts
 * import { splitQualifiedName } from '@strata/engine';
 * splitQualifiedName('billing.invoices'); // { schema: 'billing', name: 'invoices' }
 * splitQualifiedName('users'); // { name: 'users' }
 * ```
 */
export function splitQualifiedName(qualified: string): QualifiedName {
  const dot = qualified.indexOf('.');
  return dot <= 0 ? { name: qualified } : { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}

/**
 * `schema.name`, or `name` alone for the default schema (undefined, empty or `public`).
 *
 * @example
 * ```ts
 * import { qualifiedName } from '@strata/engine';
 * qualifiedName('billing', 'invoices'); // 'billing.invoices'
 * qualifiedName('public', 'users'); // 'users'
 * ```
 */
export function qualifiedName(schema: string | undefined, name: string): string {
  return isDefaultSchema(schema) ? name : `${schema}.${name}`;
}

/** Whether `schema` names the default schema: not given, empty, or `public`. */
export function isDefaultSchema(schema: string | undefined): schema is undefined | '' | 'public' {
  return schema === undefined || schema === '' || schema === 'public';
}

/** The schema part of a qualified name, undefined for the default schema. */
export function schemaOf(qualified: string): string | undefined {
  return splitQualifiedName(qualified).schema;
}

/** The name without its schema (`billing.invoices` → `invoices`). */
export function localName(qualified: string): string {
  return splitQualifiedName(qualified).name;
}

/** `name` (bare) placed in the schema of `sibling` (`billing.invoices`, `invoices_id_seq` → `billing.invoices_id_seq`). */
export function inSchemaOf(sibling: string, name: string): string {
  return qualifiedName(schemaOf(sibling), name);
}
