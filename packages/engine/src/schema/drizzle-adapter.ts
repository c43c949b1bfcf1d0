import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Dialect } from '../dialects/dialect.js';
import type { DrizzleCasing, DrizzleKitApi, DrizzleSnapshotRules } from '../dialects/drizzle-snapshot.js';
import type { SchemaNormalizer } from '../dialects/renderer.js';
import { requireDeferring } from '../loader/deferred-require.js';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import {
  SchemaDrizzleKitFailedError,
  SchemaDrizzleKitMissingError,
  SchemaFileLoadError,
  SchemaIdentifierTooLongError,
  SchemaNoTablesError,
  SchemaQualifiedNameError,
  SchemaUnsupportedColumnFeatureError,
} from './errors.js';
import type {
  CheckConstraintModel,
  ColumnModel,
  EnumModel,
  ForeignKeyAction,
  ForeignKeyModel,
  IndexModel,
  IndexPart,
  IndexPartOptions,
  PolicyCommand,
  PolicyModel,
  PrimaryKeyModel,
  RoleModel,
  SchemaModel,
  SequenceModel,
  TableModel,
  UniqueConstraintModel,
  ViewModel,
} from './model.js';
import { unwrapParentheses } from './expression-identifiers.js';
import { clipIdentifier, exceedsLimit, shortenIdentifier } from './identifiers.js';
import { builtKeys } from './model.js';
import { isDefaultSchema, localName, qualifiedName, schemaOf } from './qualified-name.js';
import { defaultFields, expressionFields, policyExpressionFields, toSequenceModel, toViewModel } from './stated.js';

export type { DrizzleCasing } from '../dialects/drizzle-snapshot.js';

/**
 * What of a dialect reading a Drizzle schema takes: its name, its canonical spellings (so the model
 * compares equal to `readSchema`'s) and how its drizzle-kit snapshot reads (`drizzleSnapshot`).
 */
export type DrizzleReadingDialect = Pick<Dialect, 'name' | 'normalizer' | 'drizzleSnapshot'>;

/** What {@link readDrizzleSchema} reads. */
export interface ReadDrizzleSchemaOptions {
  /** The stream's dialect (a loaded `Dialect` will do). */
  readonly dialect: DrizzleReadingDialect;
  /** The schema modules, absolute (drizzle.config's `schema`, globs expanded: `StreamLayout.drizzle.schemaFiles`). */
  readonly schemaFiles: readonly string[];
  /** drizzle.config's `casing`: without it, a schema that relies on it comes out with the wrong column names. */
  readonly casing?: DrizzleCasing;
  /** Told what the model names differently from the schema (a constraint name shortened to the server's limit). */
  readonly onNote?: (note: string) => void;
}

/** @internal A drizzle-kit snapshot (`generateDrizzleJson` and friends), as loosely as this adapter reads it. */
export interface DrizzleSnapshot {
  readonly dialect: string;
  readonly tables: Readonly<Record<string, SnapshotTable>>;
  readonly enums?: Readonly<Record<string, { name: string; schema?: string; values: readonly string[] }>>;
  /** PostgreSQL: the roles the schema creates (`pgRole` without `.existing()`). */
  readonly roles?: Readonly<Record<string, { name: string; createDb?: boolean; createRole?: boolean; inherit?: boolean }>>;
  readonly internal?: { indexes?: Readonly<Record<string, { columns: Readonly<Record<string, { isExpression?: boolean }>> }>> };
  readonly [key: string]: unknown;
}

interface SnapshotColumn {
  readonly name: string;
  readonly type: string;
  readonly typeSchema?: string;
  readonly primaryKey?: boolean;
  readonly notNull?: boolean;
  readonly default?: unknown;
  readonly autoincrement?: boolean;
  readonly identity?: {
    readonly type: 'always' | 'byDefault';
    readonly startWith?: string;
    readonly increment?: string;
    readonly minValue?: string;
    readonly maxValue?: string;
    readonly cache?: string;
    readonly cycle?: boolean;
  };
  readonly generated?: { readonly as: string; readonly type: string };
}

/**
 * PostgreSQL index columns are objects; MySQL and SQLite ones are strings (an expression is flagged in
 * `internal`). A PostgreSQL column says its order (`asc`), NULLS placement (`nulls`, always set:
 * drizzle-orm's default is `last` even after `.desc()`) and operator class (`.op()`).
 */
type SnapshotIndexColumn =
  | string
  | { readonly expression: string; readonly isExpression?: boolean; readonly asc?: boolean; readonly nulls?: string; readonly opclass?: string };

/** A snapshot index (`with` and `concurrently` are PostgreSQL's). */
interface SnapshotIndex {
  readonly name: string;
  readonly columns: readonly SnapshotIndexColumn[];
  readonly isUnique?: boolean;
  readonly where?: string;
  readonly method?: string;
  readonly with?: Readonly<Record<string, string | number | boolean>>;
  readonly concurrently?: boolean;
}

interface SnapshotTable {
  readonly name: string;
  readonly schema?: string;
  readonly columns: Readonly<Record<string, SnapshotColumn>>;
  readonly indexes?: Readonly<Record<string, SnapshotIndex>>;
  readonly foreignKeys?: Readonly<
    Record<string, { name: string; tableTo: string; schemaTo?: string; columnsFrom: readonly string[]; columnsTo: readonly string[]; onDelete?: string; onUpdate?: string }>
  >;
  readonly compositePrimaryKeys?: Readonly<Record<string, { name?: string; columns: readonly string[] }>>;
  readonly uniqueConstraints?: Readonly<Record<string, { name: string; columns: readonly string[]; nullsNotDistinct?: boolean }>>;
  /** PostgreSQL and SQLite. */
  readonly checkConstraints?: Readonly<Record<string, { name: string; value: string }>>;
  /** MySQL spells it in the singular. */
  readonly checkConstraint?: Readonly<Record<string, { name: string; value: string }>>;
  /** PostgreSQL: the table's policies, standalone ones `.link()`ed to it included. */
  readonly policies?: Readonly<Record<string, SnapshotPolicy>>;
  /** PostgreSQL: `.enableRLS()`. */
  readonly isRLSEnabled?: boolean;
}

/** A policy as drizzle-kit 0.31 snapshots it (`as`/`for` upper-case, `to` sorted role names or keywords). */
interface SnapshotPolicy {
  readonly name: string;
  readonly as?: string;
  readonly for?: string;
  readonly to?: readonly string[];
  readonly using?: string;
  readonly withCheck?: string;
}

/**
 * Reads a Drizzle schema into the schema model, in the form the dialect's `readSchema` reads back
 * from a database where drizzle-kit's own SQL for that schema was applied.
 *
 * Each schema file is loaded through the engine's in-process TypeScript loader (drizzle-orm resolves
 * from the file's folder, as in the application), the exports of all files are handed to drizzle-kit's
 * snapshot function for the dialect (`drizzle-kit/api`, imported on first use: ~0.2 s), and the
 * snapshot is converted by {@link drizzleSnapshotToModel}.
 *
 * Throws {@link SchemaFileLoadError} naming a file that fails to load, {@link SchemaNoTablesError}
 * when the files export no table, {@link SchemaQualifiedNameError} for a name with a dot on PostgreSQL
 * or a table in a `mysqlSchema`, {@link SchemaUnsupportedColumnFeatureError} for a column the model cannot hold.
 *
 * @example
 * ```ts
 * import { loadDialect, readDrizzleSchema } from '@strata/engine';
 * const model = await readDrizzleSchema({
 *   dialect: await loadDialect('postgresql'),
 *   schemaFiles: ['/repo/apps/billing/src/db/schema.ts'],
 *   casing: 'snake_case',
 * });
 * console.log([...model.tables.keys()]);
 * ```
 */
export async function readDrizzleSchema(options: ReadDrizzleSchemaOptions): Promise<SchemaModel> {
  const snapshot = await generateDrizzleSnapshot(options);
  const model = drizzleSnapshotToModel(options.dialect, snapshot, options.onNote);
  if (model.tables.size === 0) throw new SchemaNoTablesError(options.dialect.name, options.schemaFiles.map((file) => resolve(file)));
  return model;
}

/**
 * @internal Loads the schema files and returns drizzle-kit's snapshot of them (what `drizzle-kit generate`
 * would write to `meta/*_snapshot.json`). Tests hand it to drizzle-kit's migration generators.
 */
export async function generateDrizzleSnapshot(options: Omit<ReadDrizzleSchemaOptions, 'onNote'>): Promise<DrizzleSnapshot> {
  const files = options.schemaFiles.map((file) => resolve(file));
  const imports = loadSchemaExports(files);
  const rules = options.dialect.drizzleSnapshot;
  if (rules.dropsOtherSchemaTables) refuseOtherSchemaTables(options.dialect.name, imports);
  const api = await importDrizzleKit(files[0]);
  try {
    return (await rules.generate(api, imports, options.casing)) as DrizzleSnapshot;
  } catch (error) {
    throw new SchemaDrizzleKitFailedError(files, error);
  }
}

/**
 * Every export of every file, keyed `<file index>:<export name>` so that two files may export the same
 * name; a value exported twice (a re-export) is passed once. drizzle-kit keeps what is a table, an
 * enum, a schema... of its dialect and ignores the rest (relations, types, helpers), as `drizzle-kit generate` does.
 */
function loadSchemaExports(files: readonly string[]): Record<string, unknown> {
  const loader = new TsModuleLoader();
  const imports: Record<string, unknown> = {};
  const seen = new Set<unknown>();
  files.forEach((file, index) => {
    let exported: unknown;
    try {
      exported = loader.load(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const problem = code === 'ENOENT' ? 'the file does not exist' : error instanceof Error ? error.message : String(error);
      throw new SchemaFileLoadError(file, problem, error);
    }
    if (typeof exported !== 'object' || exported === null) return;
    for (const [name, value] of Object.entries(exported)) {
      if (typeof value !== 'object' && typeof value !== 'function') continue;
      if (value === null || seen.has(value)) continue;
      seen.add(value);
      imports[`${index}:${name}`] = value;
    }
  });
  loader.flush();
  return imports;
}

/**
 * A snapshot that silently leaves out the tables of another schema (MySQL's `mysqlSchema`, another
 * database on the server): a stream migrates its URL's database only, so such a table is refused by
 * name rather than dropped without a word. drizzle-orm marks its tables with these registered symbols.
 */
function refuseOtherSchemaTables(dialect: string, imports: Record<string, unknown>): void {
  for (const value of Object.values(imports)) {
    const table = value as Record<symbol, unknown>;
    const schema = table[Symbol.for('drizzle:Schema')];
    if (table[Symbol.for('drizzle:IsDrizzleTable')] === true && typeof schema === 'string' && schema !== '') {
      throw new SchemaQualifiedNameError('other-schema', dialect, 'table', String(table[Symbol.for('drizzle:Name')]), schema);
    }
  }
}

/**
 * `drizzle-kit/api` from the engine's location, else from the schema's (the application's own install).
 *
 * Required as CommonJS (its `api.js`), not imported as ES module (`api.mjs`): the schema files are
 * compiled to CommonJS by {@link TsModuleLoader}, so they `require` drizzle-orm, and drizzle-kit's
 * CommonJS build then shares those modules, as `drizzle-kit generate` (itself CommonJS) does. Its ES
 * build would load drizzle-orm's ES build beside them, a second copy of ~250 modules: about a tenth of
 * a second at every `strata revision --autogenerate`, for the same snapshot.
 */
async function importDrizzleKit(schemaFile: string | undefined): Promise<DrizzleKitApi> {
  try {
    return requireDrizzleKit(import.meta.url);
  } catch (error) {
    if (schemaFile !== undefined) {
      try {
        return requireDrizzleKit(schemaFile);
      } catch {
        // Not there either: report the first failure.
      }
    }
    throw new SchemaDrizzleKitMissingError(error);
  }
}

/** drizzle-orm's dialect modules (`drizzle-orm/pg-core`, `drizzle-orm/mysql-core`...). */
const DRIZZLE_DIALECT_MODULE = /^drizzle-orm\/[a-z0-9]+-core$/;

/**
 * `drizzle-kit/api` resolved from `from`. Its api requires every drizzle-orm dialect module when it
 * loads (~90 ms for the three a schema does not use); the ones the schema files have not loaded are
 * handed to it deferred ({@link requireDeferring}), so a dialect's module is loaded only if
 * drizzle-kit reads it, as `drizzle-kit generate` loads only the dialect it runs.
 */
function requireDrizzleKit(from: string): DrizzleKitApi {
  const api = createRequire(from).resolve('drizzle-kit/api');
  const fromApi = createRequire(api);
  const unloaded = (specifier: string): boolean => {
    if (!DRIZZLE_DIALECT_MODULE.test(specifier)) return false;
    try {
      return fromApi.cache[fromApi.resolve(specifier)] === undefined;
    } catch {
      return false; // Not installed: the require itself fails, as it would have.
    }
  };
  return requireDeferring(api, unloaded) as DrizzleKitApi;
}

/** A snapshot sequence (`pgSequence`): options as decimal strings. */
interface SnapshotSequence {
  readonly name: string;
  readonly schema?: string;
  readonly increment?: string;
  readonly startWith?: string;
  readonly minValue?: string;
  readonly maxValue?: string;
  readonly cache?: string;
  readonly cycle?: boolean;
}

/** A snapshot view (`pgView`, `pgMaterializedView`); `.existing()` ones are the schema's to use, not to create. */
interface SnapshotView {
  readonly name: string;
  readonly schema?: string;
  readonly definition?: string;
  readonly materialized?: boolean;
  readonly isExisting?: boolean;
  readonly with?: unknown;
  readonly tablespace?: string;
  readonly using?: string;
  readonly withNoData?: boolean;
}

/**
 * The snapshot's standalone sequences and views as the model holds them (PostgreSQL). A view's
 * storage options (`with`, `tablespace`, `using`, `withNoData`) are not kept: each one present is
 * named through `onNote`, so that a revision without them is never silent about it.
 */
function sequencesAndViews(
  snapshot: DrizzleSnapshot,
  names: Names,
  normalizer: SchemaNormalizer,
  onNote: ((note: string) => void) | undefined,
): Pick<SchemaModel, 'sequences' | 'views'> {
  const sequences = new Map<string, SequenceModel>();
  for (const entry of Object.values((snapshot.sequences ?? {}) as Record<string, SnapshotSequence>)) {
    const name = names.qualified(entry.schema, entry.name, 'sequence');
    sequences.set(
      name,
      toSequenceModel(
        {
          name,
          ...(entry.startWith !== undefined ? { start: String(entry.startWith) } : {}),
          ...(entry.increment !== undefined ? { increment: String(entry.increment) } : {}),
          ...(entry.minValue !== undefined ? { minValue: String(entry.minValue) } : {}),
          ...(entry.maxValue !== undefined ? { maxValue: String(entry.maxValue) } : {}),
          ...(entry.cache !== undefined ? { cache: String(entry.cache) } : {}),
          ...(entry.cycle === true ? { cycle: true } : {}),
        },
        normalizer,
      ),
    );
  }
  const views = new Map<string, ViewModel>();
  for (const entry of Object.values((snapshot.views ?? {}) as Record<string, SnapshotView>)) {
    if (entry.isExisting === true) continue;
    const kind = entry.materialized === true ? 'materialized view' : 'view';
    const name = names.qualified(entry.schema, entry.name, kind);
    if (entry.definition === undefined) {
      onNote?.(`the ${kind} ${name} has no query in the snapshot: it is not migrated`);
      continue;
    }
    const storage = (['with', 'tablespace', 'using', 'withNoData'] as const).filter((key) => entry[key] !== undefined && entry[key] !== false);
    if (storage.length > 0) onNote?.(`the ${kind} ${name} is created without its ${storage.join(', ')}: Strata does not migrate view storage options yet`);
    views.set(name, toViewModel({ name, definition: entry.definition, materialized: entry.materialized === true }, normalizer));
  }
  return { ...(sequences.size > 0 ? { sequences: sortedMap(sequences) } : {}), ...(views.size > 0 ? { views: sortedMap(views) } : {}) };
}

/**
 * MySQL and SQLite: the snapshot's views, which the model has no place for there; each is named,
 * so that a revision without them is never silent about it.
 */
function notUnderstood(snapshot: DrizzleSnapshot, onNote: ((note: string) => void) | undefined): void {
  const views = Object.values((snapshot['views'] ?? {}) as Record<string, { name?: string; isExisting?: boolean }>).filter((entry) => entry.isExisting !== true);
  for (const view of views) {
    onNote?.(`the view ${String(view.name)} is not migrated by Strata on ${snapshot.dialect}: create it in a revision with op.execute (and drop it in the downgrade)`);
  }
}

/** The server's names for what drizzle-kit names, within the dialect's identifier limit. */
interface Names {
  /** A table, column, enum or schema: truncated where the server truncates, refused where it refuses (queries name it too). */
  readonly id: (name: string, kind?: 'table' | 'column' | 'enum' | 'schema') => string;
  /**
   * A PostgreSQL table, enum, sequence or view as the model keys it: `schema.name` outside the default
   * schema (`qualified-name.ts`), each part within the identifier limit; a dot in either part is refused.
   */
  readonly qualified: (schema: string | undefined, name: string, kind: 'table' | 'enum' | 'sequence' | 'view' | 'materialized view') => string;
  /** A constraint or index name, which only DDL uses: truncated as the server does, or shortened with a note. */
  readonly constraint: (name: string, what: string) => string;
}

function namesFor(dialect: string, normalizer: SchemaNormalizer, onNote: ((note: string) => void) | undefined): Names {
  const limit = normalizer.identifierLimit;
  const id: Names['id'] = (name, kind = 'column') => {
    if (!exceedsLimit(name, limit)) return name;
    if (limit.overflow === 'truncate') return clipIdentifier(name, limit);
    throw new SchemaIdentifierTooLongError(kind, name, limit.max, limit.unit);
  };
  return {
    id,
    qualified: (schema, name, kind) => {
      if (name.includes('.') || (schema !== undefined && schema.includes('.'))) throw new SchemaQualifiedNameError('dot-in-name', dialect, kind, name, schema);
      const local = id(name, kind === 'table' || kind === 'enum' ? kind : 'table');
      return isDefaultSchema(schema) ? local : qualifiedName(id(schema, 'schema'), local);
    },
    constraint: (name, what) => {
      if (!exceedsLimit(name, limit)) return name;
      if (limit.overflow === 'truncate') return clipIdentifier(name, limit);
      const fitting = shortenIdentifier(name, limit);
      onNote?.(`the ${what} is named ${name}, longer than the ${limit.max} ${limit.unit} the server allows: the revision names it ${fitting}`);
      return fitting;
    },
  };
}

/**
 * Converts a drizzle-kit snapshot into the schema model by the dialect's snapshot rules
 * (`Dialect.drizzleSnapshot`), spelling types, defaults and expressions through its normalizer and naming what drizzle-kit leaves unnamed the way the server names it:
 *
 * - every dialect: names longer than the server's limit (`normalizer.identifierLimit`) are truncated
 *   where the server truncates them (PostgreSQL, 63 bytes); where it refuses them (MySQL, 64
 *   characters) a constraint or index name is shortened deterministically (`shortenIdentifier`,
 *   reported through `onNote`) and a table or column name throws `SCHEMA_IDENTIFIER_TOO_LONG`.
 * - PostgreSQL: a column-level primary key is `<table>_pkey`; serials and identity columns are `autoIncrement`; enum-typed columns carry the enum's
 *   name (case kept); a table, enum, sequence or view of a `pgSchema` is named `schema.name`
 *   (`qualified-name.ts`), as are foreign keys to it, and its schema is listed in `schemas`.
 * - MySQL: primary keys have no name; a unique index on plain columns is a unique constraint (the
 *   server keeps no difference); `serial` adds the UNIQUE key the server creates for it, named after the column.
 * - SQLite: primary keys have no name; `unique()` comes as a unique index (drizzle-kit creates one);
 *   foreign keys get `<table>_<columns>_<referenced table>_<referenced columns>_fk`, because
 *   drizzle-kit's CREATE TABLE drops the names it has.
 * Lists are sorted by name and tables by name, as the schema readers sort them.
 */
export function drizzleSnapshotToModel(dialect: DrizzleReadingDialect, snapshot: DrizzleSnapshot, onNote?: (note: string) => void): SchemaModel {
  const { normalizer, drizzleSnapshot: rules } = dialect;
  const names = namesFor(dialect.name, normalizer, onNote);
  const enums = new Map<string, EnumModel>();
  if (rules.enumTypes) {
    for (const entry of Object.values(snapshot.enums ?? {})) {
      const name = names.qualified(entry.schema, entry.name, 'enum');
      enums.set(name, { name, values: [...entry.values] });
    }
  }
  const tables = new Map<string, TableModel>();
  for (const table of Object.values(snapshot.tables)) {
    const model = tableModel(rules, names, snapshot, table, normalizer);
    tables.set(model.name, model);
  }
  const roles = new Map<string, RoleModel>();
  if (rules.roles) {
    // drizzle-kit leaves `.existing()` roles out of the snapshot: the schema only uses them.
    for (const role of Object.values(snapshot.roles ?? {})) {
      roles.set(role.name, { name: role.name, createDb: role.createDb ?? false, createRole: role.createRole ?? false, inherit: role.inherit ?? true });
    }
  }
  const rest = rules.sequencesAndViews ? sequencesAndViews(snapshot, names, normalizer, onNote) : (notUnderstood(snapshot, onNote), {});
  // The declared schemas (`pgSchema`, even one holding nothing yet) and those the objects are in.
  const declared = Object.values((snapshot['schemas'] ?? {}) as Record<string, string>).map((schema) => names.id(schema, 'schema'));
  const used = [...tables.keys(), ...enums.keys(), ...(rest.sequences?.keys() ?? []), ...(rest.views?.keys() ?? [])].map(schemaOf);
  const schemas = rules.schemas ? [...new Set([...declared, ...used])].filter((schema): schema is string => !isDefaultSchema(schema)).sort(byCodePoint) : [];
  return {
    tables: sortedMap(tables),
    enums: sortedMap(enums),
    ...(roles.size > 0 ? { roles: sortedMap(roles) } : {}),
    ...rest,
    ...(schemas.length > 0 ? { schemas } : {}),
  };
}

/**
 * A snapshot policy as the model holds it. drizzle-kit's SQL enables row-level security on every
 * table with a policy, whether or not the table says `.enableRLS()`; the caller mirrors that.
 */
function policyModel(policy: SnapshotPolicy, qualified: (text: string) => string, normalizer: SchemaNormalizer): PolicyModel {
  const roles = policy.to === undefined || policy.to.length === 0 || policy.to.includes('public') ? ['public'] : [...new Set(policy.to)].sort(byCodePoint);
  return {
    name: policy.name,
    permissive: (policy.as ?? 'PERMISSIVE').toUpperCase() !== 'RESTRICTIVE',
    command: (policy.for ?? 'ALL').toLowerCase() as PolicyCommand,
    roles,
    ...policyExpressionFields(
      { ...(policy.using !== undefined ? { using: qualified(policy.using) } : {}), ...(policy.withCheck !== undefined ? { withCheck: qualified(policy.withCheck) } : {}) },
      normalizer,
    ),
  };
}

/**
 * A PostgreSQL snapshot part's keying as the model holds it: only what is not the default. The
 * snapshot states `nulls` for every part, so it is kept only where it differs from the order's
 * default (ASC NULLS LAST, DESC NULLS FIRST: https://www.postgresql.org/docs/15/indexes-ordering.html).
 */
function indexPartOptions(part: Exclude<SnapshotIndexColumn, string>): IndexPartOptions {
  const desc = part.asc === false;
  const nulls = part.nulls === 'first' || part.nulls === 'last' ? part.nulls : undefined;
  return {
    ...(part.opclass !== undefined && part.opclass !== '' ? { opclass: part.opclass } : {}),
    ...(desc ? { order: 'desc' as const } : {}),
    ...(nulls !== undefined && nulls !== (desc ? 'first' : 'last') ? { nulls } : {}),
  };
}

/**
 * An index part Drizzle gives as SQL (`sql\`${t.name} desc\``, the only way MySQL and SQLite schemas
 * can order a part): a trailing ASC/DESC is the part's order, not its expression (the index element
 * grammar puts it after the expression: https://www.sqlite.org/syntax/indexed-column.html), and what
 * is left, when it is one of the table's columns, is that column, as the server reads it back.
 */
function sqlIndexPart(
  text: string,
  table: SnapshotTable,
  quote: string,
  id: (name: string) => string,
  expression: (text: string) => { expression: string; statedExpression?: string },
): IndexPart {
  const ordered = /^([\s\S]*?)\s+(asc|desc)$/i.exec(text.trim());
  const body = ordered?.[1] ?? text;
  const order = ordered?.[2]?.toLowerCase() === 'desc' ? { order: 'desc' as const } : {};
  const quoted = body.length > 1 && body.startsWith(quote) && body.endsWith(quote) ? body.slice(1, -1) : body;
  const column = Object.values(table.columns).find((candidate) => candidate.name === quoted);
  return column === undefined ? { ...expression(unwrapParentheses(body)), ...order } : { column: id(column.name), ...order };
}

function tableModel(
  rules: DrizzleSnapshotRules,
  names: Names,
  snapshot: DrizzleSnapshot,
  table: SnapshotTable,
  normalizer: SchemaNormalizer,
): TableModel {
  const id = (column: string): string => names.id(column);
  const ids = (columns: readonly string[]): string[] => columns.map(id);
  const name = rules.schemas ? names.qualified(table.schema, table.name, 'table') : names.id(table.name, 'table');
  const constraint = (constraintName: string, what: string): string => names.constraint(constraintName, `${what} of table ${name}`);
  // drizzle-kit puts `"schema"."table".` before column references of a table in a pgSchema, `"table".` otherwise.
  const quoted = (part: string): string => `${rules.quote}${part.replaceAll(rules.quote, rules.quote + rules.quote)}${rules.quote}.`;
  const qualifiers = isDefaultSchema(table.schema) ? [quoted(table.name)] : [quoted(table.schema) + quoted(table.name), quoted(table.name)];
  const unqualified = (text: string): string => (rules.stripsQualifiers ? qualifiers.reduce((out, qualifier) => stripQualifier(out, qualifier, rules.quote), text) : text);
  const expression = (text: string): { expression: string; statedExpression?: string } => expressionFields(unqualified(text), normalizer);
  const columns: ColumnModel[] = [];
  const indexes: IndexModel[] = [];
  const uniqueConstraints: UniqueConstraintModel[] = [];
  let primaryKey: PrimaryKeyModel | undefined;
  /** A composite key carries the name drizzle-kit gives it; a column's `.primaryKey()` is unnamed in its SQL. */
  let keyNamed = false;
  const serialColumns: string[] = [];

  for (const column of Object.values(table.columns)) {
    columns.push({ ...columnModel(rules, name, column, normalizer, names, expression), name: id(column.name) });
    if (rules.serial === 'auto-increment-unique' && column.type.trim().toLowerCase() === 'serial') serialColumns.push(column.name);
    if (column.primaryKey === true) {
      const keyName = normalizer.primaryKeyName?.(localName(name), undefined);
      primaryKey = { ...(keyName === undefined ? {} : { name: keyName }), columns: [id(column.name)] };
    }
  }
  for (const key of Object.values(table.compositePrimaryKeys ?? {})) {
    primaryKey = { ...(rules.namedPrimaryKeys && key.name !== undefined ? { name: constraint(key.name, 'primary key') } : {}), columns: ids(key.columns) };
    keyNamed = key.name !== undefined;
  }

  for (const unique of Object.values(table.uniqueConstraints ?? {})) {
    uniqueConstraints.push({
      name: constraint(unique.name, 'unique constraint'),
      columns: ids(unique.columns),
      ...(unique.nullsNotDistinct === true ? { nullsNotDistinct: true as const } : {}),
    });
  }

  for (const index of Object.values(table.indexes ?? {})) {
    const flags = snapshot.internal?.indexes?.[index.name]?.columns ?? {};
    const sqlPart = (text: string): IndexPart => sqlIndexPart(unwrapParentheses(text), table, rules.quote, id, expression);
    const parts = index.columns.map((part): IndexPart => {
      if (typeof part === 'string') return flags[part]?.isExpression === true ? sqlPart(part) : { column: id(part) };
      if (part.isExpression === true) return { ...sqlPart(part.expression), ...indexPartOptions(part) };
      return { column: id(part.expression), ...indexPartOptions(part) };
    });
    const unique = index.isUnique === true;
    // Where the server keeps no difference between a unique index and a UNIQUE constraint (MySQL), its reader
    // reports one on plain columns as a constraint (drizzle-kit even writes it as `CONSTRAINT ... UNIQUE` in CREATE TABLE).
    if (rules.uniqueIndexIsConstraint && unique && parts.every((part) => 'column' in part && part.order === undefined)) {
      uniqueConstraints.push({ name: constraint(index.name, 'unique index'), columns: parts.map((part) => (part as { column: string }).column) });
      continue;
    }
    const method = rules.indexMethods && index.method !== undefined && index.method.toLowerCase() !== 'btree' ? index.method.toLowerCase() : undefined;
    const parameters = Object.entries(index.with ?? {});
    indexes.push({
      name: constraint(index.name, 'index'),
      parts,
      unique,
      ...(index.where === undefined || index.where === '' ? {} : whereFields(expression(index.where))),
      ...(method === undefined ? {} : { method }),
      // As pg_class.reloptions keeps them: `name=value` text, the name folded to lower case.
      ...(parameters.length === 0 ? {} : { with: Object.fromEntries(parameters.map(([key, value]) => [key.toLowerCase(), String(value)])) }),
      ...(index.concurrently === true ? { concurrently: true as const } : {}),
    });
  }

  // A serial's UNIQUE key (MySQL), named after the column (`_2`, `_3`... when that name is taken).
  for (const column of serialColumns) {
    const taken = new Set([...uniqueConstraints, ...indexes].map((entry) => entry.name.toLowerCase()));
    let keyName = column;
    for (let n = 2; taken.has(keyName.toLowerCase()); n += 1) keyName = `${column}_${n}`;
    uniqueConstraints.push({ name: keyName, columns: [column] });
  }

  const foreignKeys: ForeignKeyModel[] = Object.values(table.foreignKeys ?? {}).map((key) => {
    return {
      name: rules.foreignKeyName === undefined ? constraint(key.name, 'foreign key') : rules.foreignKeyName(name, key),
      columns: ids(key.columnsFrom),
      referencedTable: rules.schemas ? names.qualified(key.schemaTo, key.tableTo, 'table') : names.id(key.tableTo, 'table'),
      referencedColumns: ids(key.columnsTo),
      onDelete: foreignKeyAction(key.onDelete),
      onUpdate: foreignKeyAction(key.onUpdate),
    };
  });

  const checkConstraints: CheckConstraintModel[] = Object.values(table.checkConstraints ?? table.checkConstraint ?? {}).map((check) => ({
    name: constraint(check.name, 'check constraint'),
    ...expression(check.value),
  }));

  const policies = Object.values(table.policies ?? {}).map((policy) => policyModel(policy, unqualified, normalizer));
  const rowLevelSecurity = table.isRLSEnabled === true || policies.length > 0;

  // drizzle-kit writes the key and the uniques into one CREATE TABLE: the model holds what the server builds of them.
  const keys = builtKeys(primaryKey, uniqueConstraints, { absorbs: normalizer.primaryKeyAbsorbsUnique, keyNamed });
  return {
    name,
    columns,
    ...(keys.primaryKey === undefined ? {} : { primaryKey: keys.primaryKey }),
    indexes: indexes.sort(byName),
    foreignKeys: foreignKeys.sort(byName),
    uniqueConstraints: keys.uniqueConstraints.sort(byName),
    checkConstraints: checkConstraints.sort(byName),
    ...(rowLevelSecurity ? { rowLevelSecurity: { enabled: true, forced: false } } : {}),
    ...(policies.length > 0 ? { policies: policies.sort(byName) } : {}),
  };
}

function columnModel(
  rules: DrizzleSnapshotRules,
  table: string,
  column: SnapshotColumn,
  normalizer: SchemaNormalizer,
  names: Names,
  expression: (text: string) => { expression: string; statedExpression?: string },
): ColumnModel {
  if (column.type.trim() === '') throw new SchemaUnsupportedColumnFeatureError(table, column.name, 'a custom type without an SQL type (`dataType()` returned nothing)');
  const type = normalizer.normalizeType(rules.enumTypes && column.typeSchema !== undefined ? enumTypeText(column, names) : column.type);
  const base = { name: column.name, type, nullable: column.notNull !== true };
  if (column.generated !== undefined) {
    const stored = column.generated.type.toLowerCase() === 'stored';
    if (rules.storedGeneratedOnly && !stored) {
      throw new SchemaUnsupportedColumnFeatureError(table, column.name, 'a virtual generated column (the server only stores generated columns)');
    }
    return { ...base, generated: { ...expression(column.generated.as), stored } };
  }
  const serial = rules.serial !== 'none' && /^(small|big)?serial$/i.test(column.type.trim());
  const identity = column.identity;
  if (identity !== undefined && normalizer.normalizeIdentity !== undefined) {
    const declared = {
      always: identity.type === 'always',
      ...(identity.startWith === undefined ? {} : { start: identity.startWith }),
      ...(identity.increment === undefined ? {} : { increment: identity.increment }),
      ...(identity.minValue === undefined ? {} : { minValue: identity.minValue }),
      ...(identity.maxValue === undefined ? {} : { maxValue: identity.maxValue }),
      ...(identity.cache === undefined ? {} : { cache: identity.cache }),
      ...(identity.cycle === undefined ? {} : { cycle: identity.cycle }),
    };
    const normalized = normalizer.normalizeIdentity(declared, type);
    return { ...base, autoIncrement: true, ...(normalized === undefined ? {} : { identity: normalized }) };
  }
  if (serial && normalizer.impliesAutoIncrement?.(column.type) === true) return { ...base, statedType: column.type.trim().toLowerCase(), autoIncrement: true };
  if (column.autoincrement === true || identity !== undefined || serial) return { ...base, autoIncrement: true };
  return { ...base, ...(column.default === undefined || column.default === null ? {} : defaultFields(String(column.default), type, normalizer)) };
}

/** A partial index's predicate fields from an expression's compared and stated forms. */
function whereFields(value: { expression: string; statedExpression?: string }): Pick<IndexModel, 'where' | 'statedWhere'> {
  return { where: value.expression, ...(value.statedExpression === undefined ? {} : { statedWhere: value.statedExpression }) };
}

/**
 * An enum-typed column's type as the server prints it: the quoted enum name (case kept), after its
 * quoted schema when not the default one (`"billing"."status"`), with its array dimensions.
 */
function enumTypeText(column: SnapshotColumn, names: Names): string {
  const match = /^(.*?)((?:\s*\[\d*\])*)$/.exec(column.type.trim()) as RegExpExecArray;
  const quote = (part: string): string => `"${part.replaceAll('"', '""')}"`;
  const schema = isDefaultSchema(column.typeSchema) ? '' : `${quote(names.id(column.typeSchema as string, 'schema'))}.`;
  return `${schema}${quote(names.id(match[1] as string, 'enum'))}${match[2] as string}`;
}

/**
 * `expression` without the `qualifier` (`"table".`, `"schema"."table".`) drizzle-kit puts before column
 * references in checks, partial-index predicates, policies and generated columns; string literals are left alone.
 */
function stripQualifier(expression: string, qualifier: string, quote: '"' | '`'): string {
  let out = '';
  for (let i = 0; i < expression.length; ) {
    const char = expression[i] as string;
    if (char === "'") {
      let end = i + 1;
      while (end < expression.length) {
        if (expression[end] === '\\' && quote === '`') end += 2;
        else if (expression[end] === "'" && expression[end + 1] === "'") end += 2;
        else if (expression[end] === "'") break;
        else end += 1;
      }
      out += expression.slice(i, end + 1);
      i = end + 1;
    } else if (expression.startsWith(qualifier, i)) {
      i += qualifier.length;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}

function foreignKeyAction(value: string | undefined): ForeignKeyAction {
  const action = (value ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
  return action === 'cascade' || action === 'restrict' || action === 'set null' || action === 'set default' ? action : 'no action';
}

function sortedMap<T>(map: Map<string, T>): Map<string, T> {
  return new Map([...map.entries()].sort(([a], [b]) => byCodePoint(a, b)));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return byCodePoint(a.name, b.name);
}
