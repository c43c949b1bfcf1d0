/**
 * The dialect-neutral schema model: what the live inspectors read back from a database, what
 * operations are replayed into (offline SQL, autogenerate's previous state), and what drift checks
 * compare. Plain readonly data; names are as the database stores them (no schema qualification:
 * a stream migrates the connection's default schema — `public` / the URL's database / `main`).
 */

/** What a foreign key does when the referenced row is deleted or updated. */
export type ForeignKeyAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/** A generated column: its expression, and whether it is stored or computed on read. */
export interface GeneratedColumn {
  readonly expression: string;
  readonly stored: boolean;
}

/**
 * One column. `type` is the dialect's SQL type text in the dialect's canonical spelling
 * (`Dialect.normalizeType`): `integer`, `varchar(255)`, `timestamp with time zone`, an enum's name.
 */
export interface ColumnModel {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  /** The default as an SQL expression (`'active'`, `0`, `now()`), or undefined for none. */
  readonly default?: string;
  /** Filled by the database: PostgreSQL identity/serial, MySQL AUTO_INCREMENT, SQLite INTEGER PRIMARY KEY AUTOINCREMENT. */
  readonly autoIncrement?: boolean;
  readonly generated?: GeneratedColumn;
}

/** One part of an index: a column, or an expression (`lower(email)`). */
export type IndexPart = { readonly column: string } | { readonly expression: string };

export interface IndexModel {
  readonly name: string;
  readonly parts: readonly IndexPart[];
  readonly unique: boolean;
  /** A partial index's predicate (PostgreSQL, SQLite). */
  readonly where?: string;
  /** The access method when not the default (`gin`, `hash`...; PostgreSQL and MySQL). */
  readonly method?: string;
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
}

export interface CheckConstraintModel {
  readonly name: string;
  readonly expression: string;
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
  readonly using?: string;
  readonly withCheck?: string;
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
 * A whole schema: tables and enums by name, and the roles (PostgreSQL). Roles are cluster-wide: a
 * live database reads every role of the server, so comparisons only look at the roles the expected
 * model names (`ownedPart` of `strata check --db`, the drift test of `strata test`).
 */
export interface SchemaModel {
  readonly tables: ReadonlyMap<string, TableModel>;
  readonly enums: ReadonlyMap<string, EnumModel>;
  /** Roles by name; absent where the dialect has none (MySQL, SQLite) or the schema declares none. */
  readonly roles?: ReadonlyMap<string, RoleModel>;
}

/** An empty schema: the model replayed streams start from. */
export function emptySchema(): SchemaModel {
  return { tables: new Map(), enums: new Map() };
}
