import type { ColumnModel, EnumModel } from '../schema/model.js';

/**
 * One column builder call of a Drizzle schema, as source text: `varchar('email', { length: 200 })`,
 * with the names it needs from the dialect's Drizzle module.
 */
export interface DrizzleColumnCall {
  /** The call, the column's name as its first argument. */
  readonly call: string;
  /** The names to import from the flavour's `module` (the enum's own const is the writer's). */
  readonly imports: readonly string[];
}

/**
 * How a dialect's schema is written as a Drizzle schema (`strata pull`): the `drizzle-orm/*-core`
 * module, its table function, and the builder of each column type. A type no builder spells is
 * written through Drizzle's `customType` with the server's own type name, so every column can be
 * written; what Drizzle cannot express at all is refused by the writer.
 */
export interface DrizzleFlavour {
  /** The Drizzle module the schema imports from (`drizzle-orm/pg-core`). */
  readonly module: string;
  /** Its table function (`pgTable`). */
  readonly table: string;
  /** Its enum type function where enums are types of their own (PostgreSQL's `pgEnum`). */
  readonly enumType?: string;
  /**
   * Whether an index part can state its order, NULLS placement and operator class, and the index its
   * method (PostgreSQL's `.desc()`, `.nullsFirst()`, `.op()`, `.using()`); elsewhere Drizzle's index
   * takes plain columns and expressions.
   */
  readonly indexPartOptions: boolean;
  /**
   * Whether a descending index part sorts NULLs first unless told otherwise (PostgreSQL), while
   * Drizzle's `.desc()` alone states NULLS LAST: the writer then adds `.nullsFirst()`.
   */
  readonly descendingNullsFirst: boolean;
  /**
   * Whether a unique constraint is written as a unique index (SQLite: Drizzle's sqlite-core states
   * uniques as indexes; the server enforces both alike, but reads an inline UNIQUE back as a constraint).
   */
  readonly uniqueConstraintsAsIndexes: boolean;
  /**
   * Whether a generated column states its storage (`generatedAlwaysAs(sql, { mode: 'stored' })`:
   * MySQL, SQLite); PostgreSQL's are always stored and take no mode.
   */
  readonly generatedMode: boolean;
  /**
   * The builder call for `column` (`name` is its name as a quoted string), or undefined when no builder
   * spells its type (the writer uses `customType`). `enumConst` names the const of a schema enum type.
   */
  columnCall(column: ColumnModel, name: string, enums: ReadonlyMap<string, EnumModel>, enumConst: (name: string) => string): DrizzleColumnCall | undefined;
  /**
   * A default as a JavaScript literal where the column's builder takes one (`true`, `'member'`, `3`),
   * or undefined to write it as `sql\`…\``.
   */
  defaultLiteral(column: ColumnModel, enums: ReadonlyMap<string, EnumModel>): string | undefined;
  /** A default that is not a literal, as the text of its `sql\`…\`` (SQLite wants an expression in parentheses). */
  defaultSql(expression: string): string;
  /** The name the server gives a table's primary key when none is stated (PostgreSQL `<table>_pkey`); undefined where it has no name of its own. */
  primaryKeyName(table: string): string | undefined;
  /**
   * What follows the builder call for the column's key and auto-increment (`.primaryKey()`,
   * `.autoincrement()`, `.primaryKey({ autoIncrement: true })`); `primaryKey`: the column is the table's
   * whole primary key, written on the column.
   */
  keyChain(column: ColumnModel, primaryKey: boolean): string;
}

/** A type's base name and its numeric parameters: `numeric(10,2)` → `numeric`, [10, 2]. */
export function typeParts(type: string): { base: string; params: number[] } {
  const match = /^([^(]+?)\s*(?:\(([\d,\s]+)\))?$/.exec(type.trim().toLowerCase());
  if (match === null) return { base: type.trim().toLowerCase(), params: [] };
  return { base: match[1] as string, params: match[2] === undefined ? [] : match[2].split(',').map((p) => Number(p.trim())) };
}

/** A string as a single-quoted JavaScript literal. */
export function jsString(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/** The text of an SQL string literal (`'it''s'` → `it's`), or undefined when `expression` is not one plain literal. */
export function sqlStringLiteral(expression: string): string | undefined {
  const match = /^'((?:[^']|'')*)'$/s.exec(expression.trim());
  return match === null ? undefined : (match[1] as string).replace(/''/g, "'");
}
