import type { Op } from '../ops/op.js';
import type { IdentifierLimit } from '../schema/identifiers.js';
import type { IdentityModel, SchemaModel, SequenceModel, TableModel } from '../schema/model.js';

/** What a renderer may consult: the schema as it is before the op (from the inspector's cache or the model). */
export interface RenderContext {
  /** The table the op works on, as it is now; undefined for ops without a table, or a table that does not exist yet. */
  readonly table?: TableModel;
  /** The whole schema as it is now (a SQLite recreate reads the tables that reference this one). */
  readonly schema: SchemaModel;
}

/**
 * Turns one operation into the dialect's SQL statements, each complete and runnable on its own.
 * Every identifier goes through the dialect's quoting; values in SQL text (enum labels) are quoted as
 * string literals. An op the dialect cannot express throws `DIALECT_UNSUPPORTED_OPERATION`, never a
 * silent skip.
 */
export interface Renderer {
  render(op: Op, context: RenderContext): string[];
  /**
   * Renders ops on one table (a `batchAlterTable`, no column rename among them) as one unit, with
   * `context` as it is before the first: what a dialect that rebuilds tables needs to rebuild once
   * (SQLite). Absent: the ops are rendered one by one.
   */
  renderBatch?(ops: readonly Op[], context: RenderContext): string[];
}

/**
 * The dialect's canonical spelling of what the schema model holds, shared by the live inspector (what
 * it reads back) and by the model (what operations declare), so that both compare equal.
 */
export interface SchemaNormalizer {
  /** `int4` → `integer`, `character varying(20)` → `varchar(20)`, `INT(11)` → `int`... */
  normalizeType(type: string): string;
  /** A default expression as the server would print it back, or undefined for none / NULL. */
  normalizeDefault(expression: string | undefined, type: string): string | undefined;
  /** A check, index or `where` expression in the form the server prints back. */
  normalizeExpression(expression: string): string;
  /**
   * The name the server keeps for a primary key declared on `table` with `name` (or none):
   * PostgreSQL keeps the name given, else derives `<table>_pkey`; MySQL and SQLite keep none.
   * Left out: the name as declared.
   */
  primaryKeyName?(table: string, name: string | undefined): string | undefined;
  /**
   * True where the server keeps no difference between a unique index on plain columns and a UNIQUE
   * constraint, and the reader reports both as a unique constraint (MySQL/MariaDB).
   */
  readonly uniqueIndexIsConstraint?: boolean;
  /**
   * True where CREATE TABLE builds no UNIQUE constraint on exactly the primary key's columns: the
   * key's index already enforces it and the server drops the redundant one (PostgreSQL).
   */
  readonly primaryKeyAbsorbsUnique?: boolean;
  /**
   * An identity's options without those at the sequence defaults for `type`, or undefined for the
   * plain identity the renderer creates for any auto-increment column (PostgreSQL).
   */
  normalizeIdentity?(identity: IdentityModel, type: string): IdentityModel | undefined;
  /** A standalone sequence's options without those at the defaults of a `bigint` sequence (PostgreSQL). */
  normalizeSequence?(sequence: SequenceModel): SequenceModel;
  /**
   * A view's query in a form that what a revision wrote and what the server prints back compare equal
   * in (PostgreSQL: `pg_get_viewdef`); undefined where the dialect has no views in the model.
   */
  normalizeViewDefinition?(definition: string): string;
  /** Whether a stated type makes the column auto-increment by itself (PostgreSQL `serial`, `bigserial`...). */
  impliesAutoIncrement?(type: string): boolean;
  /** The server's identifier limit; undefined where there is none to speak of (SQLite). */
  readonly identifierLimit?: IdentifierLimit;
}

