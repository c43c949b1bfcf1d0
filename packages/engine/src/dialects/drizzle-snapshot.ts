/** How drizzle.config's `casing` maps property names to column names. */
export type DrizzleCasing = 'snake_case' | 'camelCase';

/** The part of `drizzle-kit/api` the snapshot rules call (checked against drizzle-kit 0.31's api.d.ts). */
export interface DrizzleKitApi {
  generateDrizzleJson(imports: Record<string, unknown>, prevId?: string, schemaFilters?: string[], casing?: DrizzleCasing): unknown;
  generateMySQLDrizzleJson(imports: Record<string, unknown>, prevId?: string, casing?: DrizzleCasing): Promise<unknown>;
  generateSQLiteDrizzleJson(imports: Record<string, unknown>, prevId?: string, casing?: DrizzleCasing): Promise<unknown>;
}

/** A foreign key as drizzle-kit's snapshot lists it (the fields a dialect's naming rule reads). */
export interface SnapshotForeignKeyNaming {
  readonly name: string;
  readonly tableTo: string;
  readonly columnsFrom: readonly string[];
  readonly columnsTo: readonly string[];
}

/**
 * How one dialect's drizzle-kit snapshot reads into the schema model: which snapshot function makes
 * it, what of it the dialect has (schemas, enums, roles, sequences and views are PostgreSQL's), and
 * where the snapshot and the server name or build things differently (`Dialect.drizzleSnapshot`). The
 * Drizzle adapter (`schema/drizzle-adapter.ts`) asks these questions instead of naming dialects.
 */
export interface DrizzleSnapshotRules {
  /** Calls the dialect's snapshot function of `drizzle-kit/api` on the schema files' exports. */
  generate(api: DrizzleKitApi, imports: Record<string, unknown>, casing: DrizzleCasing | undefined): Promise<unknown>;
  /**
   * Whether the snapshot silently leaves out tables declared in another schema of the server (MySQL's
   * `mysqlSchema`, another database): such a table is then refused by name before the snapshot is made.
   */
  readonly dropsOtherSchemaTables: boolean;
  /** Whether objects live in named schemas (`pgSchema`): tables, foreign-key targets, enums, sequences and views are then named `schema.name`, and the model lists the schemas. */
  readonly schemas: boolean;
  /** Whether enums are types of their own (`pgEnum`): the snapshot's enums are read, and an enum-typed column carries the enum's name. */
  readonly enumTypes: boolean;
  /** Whether the snapshot's roles (`pgRole`) are migrated. */
  readonly roles: boolean;
  /** Whether standalone sequences and views are migrated; elsewhere each view in the snapshot is named as not migrated. */
  readonly sequencesAndViews: boolean;
  /**
   * Whether the server stores check, `where` and generated expressions without the `"table".` that
   * drizzle-kit puts before column references (PostgreSQL and MariaDB reprint the expression;
   * SQLite keeps the CREATE text as written, qualification included).
   */
  readonly stripsQualifiers: boolean;
  /** How identifiers are quoted in drizzle-kit's SQL text. */
  readonly quote: '"' | '`';
  /** Whether a composite primary key keeps the name drizzle-kit gives it (elsewhere primary keys have no name). */
  readonly namedPrimaryKeys: boolean;
  /** Whether an index states its method (`USING gin`); a btree index states none. */
  readonly indexMethods: boolean;
  /** Whether a unique index on plain columns is a unique constraint (MySQL keeps no difference between them). */
  readonly uniqueIndexIsConstraint: boolean;
  /**
   * What a `serial` column type is: not a type of its own (`none`), an auto-increment column
   * (`auto-increment`), or that plus the UNIQUE key the server adds, named after the column (`auto-increment-unique`).
   */
  readonly serial: 'none' | 'auto-increment' | 'auto-increment-unique';
  /** Whether generated columns are stored only (a virtual one is refused, as the server would). */
  readonly storedGeneratedOnly: boolean;
  /** The name of a foreign key whose name drizzle-kit's DDL drops (SQLite), as the reader names it; undefined keeps the snapshot's name. */
  foreignKeyName?(table: string, key: SnapshotForeignKeyNaming): string;
}
