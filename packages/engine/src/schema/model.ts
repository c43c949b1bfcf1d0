/**
 * The dialect-neutral schema model: what the live inspectors read back from a database, what
 * operations are replayed into (offline SQL, autogenerate's previous state), and what drift checks
 * compare. Plain readonly data; names are as the database stores them. An object in the connection's
 * default schema (`public` / the URL's database / `main`) has its bare name; a PostgreSQL table,
 * enum, sequence or view in another schema is keyed and named `schema.name` (`billing.invoices`,
 * see `qualified-name.ts`), as is a foreign key's `referencedTable` and an enum-typed column's type
 * (`"billing"."status"`, as the server prints it). Indexes, constraints and policies are named bare:
 * they live in their table's schema.
 */

/** What a foreign key does when the referenced row is deleted or updated. */
export type ForeignKeyAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/** A generated column: its expression, and whether it is stored or computed on read. */
export interface GeneratedColumn {
  /** The expression in the dialect's comparison form (see {@link ColumnModel.statedDefault}). */
  readonly expression: string;
  /** The expression as stated, where it differs from the comparison form: the text that is rendered. */
  readonly statedExpression?: string;
  readonly stored: boolean;
}

/**
 * A PostgreSQL identity column's kind and the options of its sequence that differ from the
 * defaults for the column's type (`CREATE SEQUENCE`: increment 1, min 1, max the type's largest,
 * start at min, cache 1, no cycle; https://www.postgresql.org/docs/current/sql-createsequence.html).
 * Numbers are decimal strings, as bigint bounds do not fit a JavaScript number.
 */
export interface IdentityModel extends SequenceOptions {
  /** GENERATED ALWAYS (an explicit value needs OVERRIDING SYSTEM VALUE) rather than BY DEFAULT. */
  readonly always: boolean;
}

/** A sequence's options (`CREATE SEQUENCE`), each left out where it is the default; numbers as decimal strings. */
export interface SequenceOptions {
  readonly start?: string;
  readonly increment?: string;
  readonly minValue?: string;
  readonly maxValue?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/**
 * One column. `type` is the dialect's SQL type text in the dialect's canonical spelling
 * (`Dialect.normalizeType`): `integer`, `varchar(255)`, `timestamp with time zone`, an enum's name.
 */
export interface ColumnModel {
  readonly name: string;
  readonly type: string;
  /**
   * The type as stated, where it differs from `type` and says more: PostgreSQL `serial` beside
   * `integer` (a sequence-backed column, which the model holds as `autoIncrement`). Rendered in
   * place of `type`; comparisons ignore it.
   */
  readonly statedType?: string;
  readonly nullable: boolean;
  /**
   * The default in the dialect's comparison form (`'active'`, `0`, `now()`: casts the server adds
   * dropped, keywords lower-cased), or undefined for none. Compared, never rendered.
   */
  readonly default?: string;
  /**
   * The default as stated (the SQL the schema or the revision wrote, or the server's own text when
   * read back), where it differs from `default`: `ARRAY[]::text[]` beside `array[]`. This is the
   * text rendered into SQL and revisions ({@link statedDefault}); comparisons ignore it.
   */
  readonly statedDefault?: string;
  /** Filled by the database: PostgreSQL identity/serial, MySQL AUTO_INCREMENT, SQLite INTEGER PRIMARY KEY AUTOINCREMENT. */
  readonly autoIncrement?: boolean;
  /** PostgreSQL: the identity behind `autoIncrement`, when the column is an identity column (not a serial). */
  readonly identity?: IdentityModel;
  readonly generated?: GeneratedColumn;
}

/**
 * How one index part is keyed, each only where it differs from the default, so a plain part is just
 * its column (https://www.postgresql.org/docs/15/indexes-ordering.html, .../indexes-opclass.html).
 */
export interface IndexPartOptions {
  /** The operator class when not the default one for the part's type and method (`text_pattern_ops`, `gin_trgm_ops`). */
  readonly opclass?: string;
  /** Descending order; ascending is the default and is not stored. */
  readonly order?: 'desc';
  /** Where NULLs sort, only when not the order's default (ASC puts them last, DESC first). */
  readonly nulls?: 'first' | 'last';
}

/**
 * One part of an index: a column, or an expression (`lower(email)`) in comparison form with the
 * stated text beside it where they differ (`statedExpression`: `(created_at)::date` beside
 * `created_at`), with its non-default keying.
 */
export type IndexPart = ({ readonly column: string } | { readonly expression: string; readonly statedExpression?: string }) & IndexPartOptions;

export interface IndexModel {
  readonly name: string;
  readonly parts: readonly IndexPart[];
  readonly unique: boolean;
  /** A partial index's predicate (PostgreSQL, SQLite), in comparison form. */
  readonly where?: string;
  /** The predicate as stated, where it differs from `where`. */
  readonly statedWhere?: string;
  /** The access method when not the default (`gin`, `hash`...; PostgreSQL and MySQL). */
  readonly method?: string;
  /**
   * Storage parameters (PostgreSQL `WITH (fillfactor = 70)`, read back from `pg_class.reloptions`),
   * names in lower case and values as text, the form the catalog keeps.
   */
  readonly with?: Readonly<Record<string, string>>;
  /**
   * Stated, never compared: the schema asks for the index to be built `CONCURRENTLY`. It is how the
   * index is built, not what it is, so no catalog has it and index comparisons ignore it; only the
   * Drizzle schema sets it, and autogenerate carries it into the createIndex op.
   */
  readonly concurrently?: true;
  /**
   * PostgreSQL: `false` for an INVALID index (`pg_index.indisvalid`), which a failed or killed
   * `CREATE INDEX CONCURRENTLY` leaves behind: the server keeps it up to date on writes but never
   * reads it, and a unique one still refuses duplicates. Left out when the index is valid (always,
   * on the other dialects and in models built from operations).
   * https://www.postgresql.org/docs/15/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY
   */
  readonly valid?: false;
}

export interface ForeignKeyModel {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referencedTable: string;
  readonly referencedColumns: readonly string[];
  readonly onDelete: ForeignKeyAction;
  readonly onUpdate: ForeignKeyAction;
}

export interface UniqueConstraintModel {
  readonly name: string;
  readonly columns: readonly string[];
  /** PostgreSQL 15+ `UNIQUE NULLS NOT DISTINCT`: two NULLs count as equal. Left out when false. */
  readonly nullsNotDistinct?: true;
}

export interface CheckConstraintModel {
  readonly name: string;
  /** The expression in comparison form. */
  readonly expression: string;
  /** The expression as stated, where it differs from `expression`. */
  readonly statedExpression?: string;
}

export interface PrimaryKeyModel {
  /** The constraint name where the dialect keeps one (PostgreSQL); undefined elsewhere. */
  readonly name?: string;
  readonly columns: readonly string[];
}

/** The commands a PostgreSQL policy applies to (`FOR ALL | SELECT | INSERT | UPDATE | DELETE`). */
export type PolicyCommand = 'all' | 'select' | 'insert' | 'update' | 'delete';

/**
 * A row-level security policy (PostgreSQL `CREATE POLICY`,
 * https://www.postgresql.org/docs/15/sql-createpolicy.html). `roles` are sorted role names, `public`
 * for every role; `using` and `withCheck` are expressions in the dialect's normalized form.
 */
export interface PolicyModel {
  readonly name: string;
  /** `false` for `AS RESTRICTIVE`; policies are permissive unless said otherwise. */
  readonly permissive: boolean;
  readonly command: PolicyCommand;
  readonly roles: readonly string[];
  /** `USING`, in comparison form; `statedUsing` keeps the text as stated where it differs. */
  readonly using?: string;
  readonly statedUsing?: string;
  /** `WITH CHECK`, in comparison form; `statedWithCheck` keeps the text as stated where it differs. */
  readonly withCheck?: string;
  readonly statedWithCheck?: string;
}

/**
 * A table's row-level security switches (`pg_class.relrowsecurity`, `relforcerowsecurity`,
 * https://www.postgresql.org/docs/15/ddl-rowsecurity.html). Absent from a table where both are off.
 */
export interface RowLevelSecurityModel {
  readonly enabled: boolean;
  /** `FORCE ROW LEVEL SECURITY`: the policies apply to the table's owner too. */
  readonly forced: boolean;
}

export interface TableModel {
  readonly name: string;
  readonly columns: readonly ColumnModel[];
  readonly primaryKey?: PrimaryKeyModel;
  readonly indexes: readonly IndexModel[];
  readonly foreignKeys: readonly ForeignKeyModel[];
  readonly uniqueConstraints: readonly UniqueConstraintModel[];
  readonly checkConstraints: readonly CheckConstraintModel[];
  /** Row-level security (PostgreSQL); absent where it is neither enabled nor forced. */
  readonly rowLevelSecurity?: RowLevelSecurityModel;
  /** Row-level security policies in name order (PostgreSQL); absent where the table has none. */
  readonly policies?: readonly PolicyModel[];
}

/** A PostgreSQL enum type (other dialects have none at the schema level). */
export interface EnumModel {
  readonly name: string;
  readonly values: readonly string[];
}

/**
 * A PostgreSQL role the schema creates (drizzle `pgRole`, not `.existing()`), with the options Drizzle
 * declares (https://www.postgresql.org/docs/15/sql-createrole.html; the defaults are NOCREATEDB,
 * NOCREATEROLE, INHERIT).
 */
export interface RoleModel {
  readonly name: string;
  readonly createDb: boolean;
  readonly createRole: boolean;
  readonly inherit: boolean;
}

/**
 * A standalone sequence (PostgreSQL `CREATE SEQUENCE`, drizzle `pgSequence`): not one a column owns
 * (serial, identity), which is the column's business. The options are those that differ from the
 * defaults of a `bigint` sequence, as {@link IdentityModel} keeps them (decimal strings).
 */
export interface SequenceModel extends SequenceOptions {
  readonly name: string;
}

/**
 * A view or materialized view (PostgreSQL `CREATE [MATERIALIZED] VIEW`). `definition` is the query in
 * the dialect's comparison form (`SchemaNormalizer.normalizeViewDefinition`: the server reprints a
 * view's query its own way); `statedDefinition` is the query as written, where it differs, the only
 * text ever rendered.
 */
export interface ViewModel {
  readonly name: string;
  readonly materialized: boolean;
  readonly definition: string;
  readonly statedDefinition?: string;
}

/**
 * A whole schema: tables and enums by name, and the roles (PostgreSQL). Roles are cluster-wide: a
 * live database reads every role of the server, so comparisons only look at the roles the expected
 * model names (`ownedPart` of `strata check --db`, the drift test of `strata test`).
 */
export interface SchemaModel {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly enums: ReadonlyMap<string, EnumModel>;
  /** Roles by name; absent where the dialect has none (MySQL, SQLite) or the schema declares none. */
  readonly roles?: ReadonlyMap<string, RoleModel>;
  /** Standalone sequences by name (PostgreSQL); absent where there are none. */
  readonly sequences?: ReadonlyMap<string, SequenceModel>;
  /** Views and materialized views by name (PostgreSQL); absent where there are none. */
  readonly views?: ReadonlyMap<string, ViewModel>;
  /**
   * The PostgreSQL schemas (namespaces) other than the default one that the model holds, in name
   * order: those the Drizzle schema declares (`pgSchema`), those a live database has, those the
   * revisions created (`createSchema`). Absent where there are none.
   */
  readonly schemas?: readonly string[];
  /**
   * The server's own definitions of its schema objects, in creation order, where a table rebuild
   * needs what the model does not follow (SQLite's recreate: collations, WITHOUT ROWID and STRICT,
   * triggers, views made with raw SQL). Only a live read fills it; it is never compared or diffed.
   */
  readonly stored?: readonly StoredObject[];
}

/**
 * One schema object as the server stores its definition (a row of SQLite's `sqlite_schema`).
 *
 * @example
 * ```ts
 * import type { StoredObject } from '@strata/engine';
 * const trigger: StoredObject = { type: 'trigger', name: 'items_ai', table: 'items', sql: 'CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN SELECT 1; END' };
 * ```
 */
export interface StoredObject {
  readonly type: 'table' | 'index' | 'trigger' | 'view';
  readonly name: string;
  /** The table it belongs to (a view: itself). */
  readonly table: string;
  /** The CREATE statement as the server keeps it. */
  readonly sql: string;
}

/** An empty schema: the model replayed streams start from. */
export function emptySchema(): SchemaModel {
  return { tables: new Map(), enums: new Map() };
}

/**
 * The primary key and unique constraints a CREATE TABLE really builds. Where the dialect absorbs a
 * UNIQUE on exactly the key's columns into the key (`SchemaNormalizer.primaryKeyAbsorbsUnique`), that
 * one is left out, and a key declared without a name takes the first such unique's name, as
 * PostgreSQL's transformIndexConstraints hands it over (src/backend/parser/parse_utilcmd.c).
 */
export function builtKeys<T extends { readonly name: string; readonly columns: readonly string[] }>(
  primaryKey: PrimaryKeyModel | undefined,
  uniques: readonly T[],
  options: { readonly absorbs: boolean | undefined; readonly keyNamed: boolean },
): { primaryKey: PrimaryKeyModel | undefined; uniqueConstraints: T[] } {
  if (options.absorbs !== true || primaryKey === undefined) return { primaryKey, uniqueConstraints: [...uniques] };
  const key = primaryKey.columns.join('\u0000');
  const absorbed = uniques.filter((unique) => unique.columns.join('\u0000') === key);
  const first = absorbed[0];
  return {
    primaryKey: first !== undefined && !options.keyNamed ? { ...primaryKey, name: first.name } : primaryKey,
    uniqueConstraints: uniques.filter((unique) => !absorbed.includes(unique)),
  };
}
