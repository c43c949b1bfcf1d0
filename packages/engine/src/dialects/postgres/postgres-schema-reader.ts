import type {
  ColumnModel,
  EnumModel,
  ForeignKeyAction,
  IndexModel,
  IndexPart,
  PolicyCommand,
  PolicyModel,
  RoleModel,
  SchemaModel,
  SequenceModel,
  SequenceOptions,
  ViewModel,
} from '../../schema/model.js';
import { toViewModel } from '../../schema/stated.js';
import type { Connection, Row } from '../connection.js';
import { STRATA_TABLES, VERSION_TABLE } from '../strata-tables.js';
import { PostgresNormalizer } from './postgres-normalizer.js';
import { assembleTables, byCodePoint, partsOf, type TableParts } from '../reflection.js';

/**
 * The schemas read: the current one (`current_schema()`, whose objects keep their bare names) and every
 * other schema of the database but the system ones (`pg_catalog`, `information_schema`, `pg_toast`,
 * `pg_temp_N`...: https://www.postgresql.org/docs/15/ddl-schemas.html), whose objects are named
 * `schema.name` (see `schema/qualified-name.ts`), as the Drizzle adapter names those of a `pgSchema`.
 * A schema holding a Strata version table of its own is left out too: it is the home of other streams
 * (a tenant's schema, reached with `?schema=`, or `public` seen from a tenant), not part of this one.
 */
const USER_SCHEMA = (ns: string): string =>
  `(${ns}.nspname = current_schema() OR (${ns}.nspname !~ '^pg_' AND ${ns}.nspname <> 'information_schema' ` +
  `AND NOT EXISTS (SELECT 1 FROM pg_class ledger WHERE ledger.relnamespace = ${ns}.oid AND ledger.relname = '${VERSION_TABLE}')))`;

/** An object's name as the model keys it: bare in the current schema, else `schema.name`. */
const QUALIFIED = (ns: string, name: string): string => `CASE WHEN ${ns}.nspname = current_schema() THEN ${name}::text ELSE ${ns}.nspname || '.' || ${name} END`;

/**
 * The tables of the schemas read: ordinary and partitioned tables (relkind `r`, `p`), without the
 * partitions of a partitioned table (they repeat its definition) and without Strata's tables (`$1`),
 * which live in the current schema. https://www.postgresql.org/docs/current/catalog-pg-class.html
 */
const FROM_TABLES = `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND ${USER_SCHEMA('n')}`;
const TABLE_FILTER = `c.relkind IN ('r', 'p') AND NOT c.relispartition AND NOT (n.nspname = current_schema() AND c.relname = ANY($1::text[]))`;
const TABLE_NAME = `${QUALIFIED('n', 'c.relname')} AS table_name`;

/**
 * Columns with their type as `format_type` prints it, the default (`pg_attrdef`), identity (kind, and
 * the options of its sequence, which the column owns with deptype `i`) and generation, and whether a sequence is owned by the column (`pg_depend` deptype `a`: what `serial`
 * creates, https://www.postgresql.org/docs/current/datatype-numeric.html#DATATYPE-SERIAL). The
 * LEFT JOIN keeps tables without columns.
 */
const COLUMNS_SQL = `
  SELECT ${TABLE_NAME}, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attndims AS dimensions,
         a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid, true) AS default_expression,
         a.attidentity AS identity, a.attgenerated AS generated,
         EXISTS (
           SELECT 1 FROM pg_depend dep JOIN pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
           WHERE dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
             AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'a'
         ) AS owns_sequence,
         seq.seqstart::text AS seq_start, seq.seqincrement::text AS seq_increment, seq.seqmin::text AS seq_min,
         seq.seqmax::text AS seq_max, seq.seqcache::text AS seq_cache, seq.seqcycle AS seq_cycle
  ${FROM_TABLES}
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  LEFT JOIN LATERAL (
    SELECT s.* FROM pg_depend dep JOIN pg_sequence s ON s.seqrelid = dep.objid
    WHERE a.attidentity <> '' AND dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
      AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
  ) seq ON true
  WHERE ${TABLE_FILTER}
  ORDER BY n.nspname, c.relname, a.attnum`;

/**
 * Primary keys, uniques (with NULLS NOT DISTINCT, read through to_jsonb so that servers before 15,
 * whose pg_index lacks the column, read false), checks and foreign keys, with key columns in constraint order (`conkey` is
 * ordered; `WITH ORDINALITY` keeps that order) and checks in pretty form.
 * https://www.postgresql.org/docs/current/catalog-pg-constraint.html
 */
const CONSTRAINTS_SQL = `
  SELECT ${TABLE_NAME}, con.conname AS name, con.contype AS type,
         ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
         ${QUALIFIED('rn', 'rc.relname')} AS referenced_table,
         ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS referenced_columns,
         con.confdeltype AS on_delete, con.confupdtype AS on_update,
         CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END AS definition,
         COALESCE((to_jsonb(ui) ->> 'indnullsnotdistinct')::boolean, false) AS nulls_not_distinct
  ${FROM_TABLES}
  JOIN pg_constraint con ON con.conrelid = c.oid AND con.contype IN ('p', 'u', 'c', 'f')
  LEFT JOIN pg_class rc ON rc.oid = con.confrelid
  LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
  LEFT JOIN pg_index ui ON ui.indexrelid = con.conindid AND con.contype = 'u'
  WHERE ${TABLE_FILTER}`;

/**
 * Indexes that no constraint owns (those of primary keys, uniques and exclusion constraints are the
 * constraints' business), one array entry per key column (`indnkeyatts` leaves out INCLUDE columns):
 * the column name, or null for an expression, which `pg_get_indexdef(oid, k, true)` prints (the
 * bare expression: with a column number it leaves out opclass and ordering);
 * the `indoption` bits (1 DESC, 2 NULLS FIRST: `INDOPTION_DESC`/`INDOPTION_NULLS_FIRST` in
 * src/include/catalog/pg_index.h); the operator class, or null when it is the default one for its
 * type (`pg_opclass.opcdefault`); the storage parameters (`pg_class.reloptions`, `name=value`); and
 * `indisvalid`, false for an index a failed `CREATE INDEX CONCURRENTLY` left behind.
 * https://www.postgresql.org/docs/current/catalog-pg-index.html, .../catalog-pg-opclass.html
 */
const INDEXES_SQL = `
  SELECT ${TABLE_NAME}, ic.relname AS name, i.indisunique AS is_unique, i.indisvalid AS is_valid, am.amname AS method,
         pg_get_expr(i.indpred, i.indrelid, true) AS predicate,
         ARRAY(SELECT a.attname::text FROM generate_series(1, i.indnkeyatts) AS k
               LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[k - 1] AND i.indkey[k - 1] <> 0
               ORDER BY k) AS columns,
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS definitions,
         ARRAY(SELECT i.indoption[k - 1]::int FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k) AS options,
         ARRAY(SELECT CASE WHEN oc.opcdefault THEN NULL ELSE oc.opcname::text END FROM generate_series(1, i.indnkeyatts) AS k
               JOIN pg_opclass oc ON oc.oid = i.indclass[k - 1] ORDER BY k) AS opclasses,
         ic.reloptions AS storage_parameters
  ${FROM_TABLES}
  JOIN pg_index i ON i.indrelid = c.oid
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  WHERE ${TABLE_FILTER} AND NOT EXISTS (
    SELECT 1 FROM pg_constraint con WHERE con.conrelid = i.indrelid AND con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x')
  )`;

/** Enum types of the schemas read with their labels in declaration order (https://www.postgresql.org/docs/current/catalog-pg-enum.html). */
const ENUMS_SQL = `
  SELECT ${QUALIFIED('n', 't.typname')} AS name, ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace AND ${USER_SCHEMA('n')}
  WHERE t.typtype = 'e'`;

/** The schemas read other than the current one (`public`), which the model lists in `schemas`. */
const SCHEMAS_SQL = `
  SELECT n.nspname AS name FROM pg_namespace n
  WHERE ${USER_SCHEMA('n')} AND n.nspname <> current_schema() AND n.nspname <> 'public'`;

/**
 * Row-level security: one row per table that has it on (`relrowsecurity`, `relforcerowsecurity`,
 * https://www.postgresql.org/docs/15/catalog-pg-class.html) or has policies, then one per policy
 * (https://www.postgresql.org/docs/15/catalog-pg-policy.html). `polroles` holds role OIDs, `0`
 * meaning PUBLIC; the expressions are printed like check constraints.
 */
const SECURITY_SQL = `
  SELECT ${TABLE_NAME}, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
         p.polname AS name, p.polcmd AS command, p.polpermissive AS permissive,
         ARRAY(SELECT CASE WHEN r.oid = 0 THEN 'public' ELSE pg_get_userbyid(r.oid)::text END
               FROM unnest(p.polroles) AS r(oid)) AS roles,
         pg_get_expr(p.polqual, p.polrelid, true) AS using_expression,
         pg_get_expr(p.polwithcheck, p.polrelid, true) AS with_check_expression
  ${FROM_TABLES}
  LEFT JOIN pg_policy p ON p.polrelid = c.oid
  WHERE ${TABLE_FILTER} AND (c.relrowsecurity OR c.relforcerowsecurity OR p.oid IS NOT NULL)`;

/**
 * Views and materialized views (relkind `v`, `m`) with their query as the server prints it, and the
 * standalone sequences (relkind `S`) with their options: not those a column owns (`pg_depend` deptype
 * `a` for a serial, `i` for an identity), which are the column's business
 * (https://www.postgresql.org/docs/15/catalog-pg-sequence.html).
 */
const RELATIONS_SQL = `
  SELECT ${QUALIFIED('n', 'c.relname')} AS name, c.relkind AS kind,
         CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS definition,
         s.seqstart::text AS seq_start, s.seqincrement::text AS seq_increment, s.seqmin::text AS seq_min,
         s.seqmax::text AS seq_max, s.seqcache::text AS seq_cache, s.seqcycle AS seq_cycle
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace AND ${USER_SCHEMA('n')}
  LEFT JOIN pg_sequence s ON s.seqrelid = c.oid
  WHERE c.relkind IN ('v', 'm')
     OR (c.relkind = 'S' AND NOT EXISTS (
           SELECT 1 FROM pg_depend dep
           WHERE dep.classid = 'pg_class'::regclass AND dep.objid = c.oid AND dep.deptype IN ('a', 'i')))`;

/** Roles by name (https://www.postgresql.org/docs/15/view-pg-roles.html). */
const ROLES_SQL = `
  SELECT rolname AS name, rolcreatedb AS create_db, rolcreaterole AS create_role, rolinherit AS inherit
  FROM pg_roles WHERE rolname = ANY($1::text[])`;

/** `polcmd` codes (https://www.postgresql.org/docs/15/catalog-pg-policy.html). */
const POLICY_COMMANDS: Readonly<Record<string, PolicyCommand>> = { '*': 'all', r: 'select', a: 'insert', w: 'update', d: 'delete' };

/** `confdeltype`/`confupdtype` codes (https://www.postgresql.org/docs/current/catalog-pg-constraint.html). */
const ACTIONS: Readonly<Record<string, ForeignKeyAction>> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

const normalizer = new PostgresNormalizer();

/**
 * Reflects the current schema (`current_schema()`, `public`) of a PostgreSQL database, and every other
 * non-system schema of it (objects named `schema.name`, the schemas listed in `schemas`), into the
 * schema model from `pg_catalog` only (information_schema's views are far slower on large catalogs),
 * in exactly seven queries whatever the number of tables: columns, constraints, indexes, enums,
 * row-level security with the policies, the views and standalone sequences, and the schemas. Roles are not read: they belong to the server, not to the
 * schema ({@link readPostgresRoles} reads the ones a caller names).
 *
 * Identity columns and `serial`s (a `nextval(...)` default whose sequence the column owns) read as
 * `autoIncrement: true` without a default. Types, defaults and expressions are in
 * {@link PostgresNormalizer}'s canonical form. Lists (indexes, foreign keys, uniques, checks) are
 * sorted by name; columns keep their table order.
 *
 * Index parts keep their order, NULLS placement and operator class only where not the default, and
 * indexes their storage parameters. Not reflected, as the model has no place for them: index
 * collations and `INCLUDE` columns; exclusion constraints; partitions (their parent table is read).
 *
 * @example
 * ```ts
 * import { PostgresConnection, readPostgresSchema } from '@strata/engine';
 * const connection = await PostgresConnection.open('postgres://postgres@127.0.0.1:5432/postgres');
 * const schema = await readPostgresSchema(connection);
 * console.log([...schema.tables.keys()]);
 * await connection.close();
 * ```
 */
export async function readPostgresSchema(connection: Connection): Promise<SchemaModel> {
  const excluded = [...STRATA_TABLES];
  const columnRows = await connection.query(COLUMNS_SQL, [excluded]);
  const constraintRows = await connection.query(CONSTRAINTS_SQL, [excluded]);
  const indexRows = await connection.query(INDEXES_SQL, [excluded]);
  const enumRows = await connection.query(ENUMS_SQL);
  const securityRows = await connection.query(SECURITY_SQL, [excluded]);
  const relationRows = await connection.query(RELATIONS_SQL);
  const schemaRows = await connection.query(SCHEMAS_SQL);

  const parts = new Map<string, TableParts>();
  for (const row of columnRows) {
    const table = partsOf(parts, String(row.table_name));
    if (row.column_name !== null) table.columns.push(columnFrom(row));
  }
  for (const row of constraintRows) addConstraint(partsOf(parts, String(row.table_name)), row);
  for (const row of indexRows) partsOf(parts, String(row.table_name)).indexes.push(indexFrom(row));
  for (const row of securityRows) {
    const table = partsOf(parts, String(row.table_name));
    if (row.enabled === true || row.forced === true) table.rowLevelSecurity = { enabled: row.enabled === true, forced: row.forced === true };
    if (row.name !== null) (table.policies ??= []).push(policyFrom(row));
  }

  const tables = assembleTables(parts);
  const enums = new Map<string, EnumModel>();
  for (const row of [...enumRows].sort((a, b) => byCodePoint(String(a.name), String(b.name)))) {
    enums.set(String(row.name), { name: String(row.name), values: stringArray(row.labels) });
  }
  const sequences = new Map<string, SequenceModel>();
  const views = new Map<string, ViewModel>();
  for (const row of [...relationRows].sort((a, b) => byCodePoint(String(a.name), String(b.name)))) {
    const name = String(row.name);
    if (row.kind === 'S') sequences.set(name, sequenceFrom(name, row));
    else views.set(name, toViewModel({ name, definition: String(row.definition ?? ''), materialized: row.kind === 'm' }, normalizer));
  }
  const schemas = schemaRows.map((row) => String(row.name)).sort(byCodePoint);
  return {
    tables,
    enums,
    ...(sequences.size > 0 ? { sequences } : {}),
    ...(views.size > 0 ? { views } : {}),
    ...(schemas.length > 0 ? { schemas } : {}),
  };
}

/** A sequence's options, the defaults of a bigint sequence left out. */
function sequenceFrom(name: string, row: Row): SequenceModel {
  return normalizer.normalizeSequence({ name, ...sequenceOptions(row) });
}

/** The `seq_*` columns of a row (pg_sequence), as the model spells the options. */
function sequenceOptions(row: Row): Required<SequenceOptions> {
  return {
    start: String(row.seq_start),
    increment: String(row.seq_increment),
    minValue: String(row.seq_min),
    maxValue: String(row.seq_max),
    cache: String(row.seq_cache),
    cycle: row.seq_cycle === true,
  };
}

/**
 * Reads the named roles that exist on the server, in name order. Roles are cluster-wide (shared by
 * every database of the server, https://www.postgresql.org/docs/15/user-manag.html), so nothing
 * reads "all roles" into a schema: a comparison asks for the roles the expected schema names, the
 * way `strata check --db` compares only the tables the stream owns.
 *
 * @example
 * ```ts
 * import { PostgresConnection, readPostgresRoles } from '@strata/engine';
 * const connection = await PostgresConnection.open('postgres://postgres@127.0.0.1:5432/postgres');
 * const roles = await readPostgresRoles(connection, ['app_user']);
 * console.log(roles.get('app_user')?.inherit);
 * await connection.close();
 * ```
 */
export async function readPostgresRoles(connection: Connection, names: readonly string[]): Promise<Map<string, RoleModel>> {
  const roles = new Map<string, RoleModel>();
  if (names.length === 0) return roles;
  const rows = await connection.query(ROLES_SQL, [[...names]]);
  for (const row of [...rows].sort((a, b) => byCodePoint(String(a.name), String(b.name)))) {
    const name = String(row.name);
    roles.set(name, { name, createDb: row.create_db === true, createRole: row.create_role === true, inherit: row.inherit === true });
  }
  return roles;
}

function policyFrom(row: Row): PolicyModel {
  const roles = stringArray(row.roles);
  return {
    name: String(row.name),
    permissive: row.permissive === true,
    command: POLICY_COMMANDS[String(row.command)] ?? 'all',
    roles: roles.includes('public') ? ['public'] : roles.sort(byCodePoint),
    ...(row.using_expression === null ? {} : { using: normalizer.normalizeExpression(String(row.using_expression)) }),
    ...(row.with_check_expression === null ? {} : { withCheck: normalizer.normalizeExpression(String(row.with_check_expression)) }),
  };
}

/**
 * format_type prints one `[]` for any array; the declared dimensions (`integer[][]`) are in
 * `pg_attribute.attndims`, which CREATE TABLE and ALTER COLUMN TYPE both set, though the server does not
 * enforce them (https://www.postgresql.org/docs/current/catalog-pg-attribute.html). Read back as declared,
 * a 2-D array column compares equal to the schema that declared it.
 */
function arrayDimensions(type: string, dimensions: number): string {
  return dimensions > 1 && type.endsWith('[]') ? `${type}${'[]'.repeat(dimensions - 1)}` : type;
}

function columnFrom(row: Row): ColumnModel {
  const type = normalizer.normalizeType(arrayDimensions(String(row.type), Number(row.dimensions ?? 0)));
  const expression = row.default_expression === null ? undefined : String(row.default_expression);
  const identity = row.identity === 'a' || row.identity === 'd';
  const serial = row.owns_sequence === true && expression !== undefined && /^nextval\(/i.test(expression);
  const base = { name: String(row.column_name), type, nullable: row.not_null !== true };
  // attgenerated 's': a stored generated column, whose pg_attrdef entry is the generation expression
  // (https://www.postgresql.org/docs/current/catalog-pg-attribute.html).
  if (row.generated === 's' && expression !== undefined) {
    return { ...base, generated: { expression: normalizer.normalizeExpression(expression), stored: true } };
  }
  if (identity) {
    const declared = normalizer.normalizeIdentity({ always: row.identity === 'a', ...sequenceOptions(row) }, type);
    return { ...base, autoIncrement: true, ...(declared === undefined ? {} : { identity: declared }) };
  }
  if (serial) return { ...base, autoIncrement: true };
  const value = normalizer.normalizeDefault(expression, type);
  return value === undefined ? base : { ...base, default: value };
}

function addConstraint(table: TableParts, row: Row): void {
  const name = String(row.name);
  const columns = stringArray(row.columns);
  switch (row.type) {
    case 'p':
      table.primaryKey = { name, columns };
      return;
    case 'u':
      table.uniqueConstraints.push({ name, columns, ...(row.nulls_not_distinct === true ? { nullsNotDistinct: true as const } : {}) });
      return;
    case 'c':
      table.checkConstraints.push({ name, expression: normalizer.normalizeExpression(String(row.definition)) });
      return;
    default:
      table.foreignKeys.push({
        name,
        columns,
        referencedTable: String(row.referenced_table),
        referencedColumns: stringArray(row.referenced_columns),
        onDelete: ACTIONS[String(row.on_delete)] ?? 'no action',
        onUpdate: ACTIONS[String(row.on_update)] ?? 'no action',
      });
  }
}

function indexFrom(row: Row): IndexModel {
  const columns = row.columns as readonly (string | null)[];
  const definitions = stringArray(row.definitions);
  const options = (row.options as readonly number[]).map(Number);
  const opclasses = row.opclasses as readonly (string | null)[];
  const method = String(row.method);
  const parameters = (row.storage_parameters as readonly string[] | null) ?? [];
  return {
    name: String(row.name),
    parts: columns.map((column, k): IndexPart => {
      const target = column === null ? { expression: normalizer.normalizeExpression(definitions[k] ?? '') } : { column };
      const desc = ((options[k] ?? 0) & 1) === 1;
      const nullsFirst = ((options[k] ?? 0) & 2) === 2;
      const opclass = opclasses[k] ?? undefined;
      return {
        ...target,
        ...(opclass !== undefined ? { opclass } : {}),
        ...(desc ? { order: 'desc' as const } : {}),
        // NULLS LAST is the default for ASC, NULLS FIRST for DESC (https://www.postgresql.org/docs/15/indexes-ordering.html).
        ...(desc !== nullsFirst ? { nulls: nullsFirst ? ('first' as const) : ('last' as const) } : {}),
      };
    }),
    unique: row.is_unique === true,
    ...(row.predicate === null ? {} : { where: normalizer.normalizeExpression(String(row.predicate)) }),
    // btree is what CREATE INDEX uses without USING (https://www.postgresql.org/docs/current/sql-createindex.html).
    ...(method === 'btree' ? {} : { method }),
    ...(parameters.length > 0 ? { with: Object.fromEntries(parameters.map((entry) => splitParameter(entry))) } : {}),
    // A failed CREATE INDEX CONCURRENTLY leaves the index INVALID (and one being built reads so too).
    ...(row.is_valid === false ? { valid: false as const } : {}),
  };
}

/** `fillfactor=70` → `['fillfactor', '70']` (the value may itself hold `=`). */
function splitParameter(entry: string): [string, string] {
  const at = entry.indexOf('=');
  return [entry.slice(0, at), entry.slice(at + 1)];
}

function stringArray(value: unknown): string[] {
  return (value as readonly unknown[]).map(String);
}

/** User triggers of the schemas `readPostgresSchema` reads; the constraint triggers of foreign keys are internal and left out. */
const TRIGGERS_SQL = `
  SELECT t.tgname AS name, ${QUALIFIED('n', 'c.relname')} AS table_name
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE NOT t.tgisinternal AND ${USER_SCHEMA('n')}
  ORDER BY 2, 1`;

/**
 * The objects of the database the model does not hold: triggers (views, sequences and the rest are
 * modelled). `strata pull` refuses them by name.
 *
 * @example
 * ```ts
 * import { PostgresConnection, readPostgresUnmodelled } from '@strata/engine';
 * const connection = await PostgresConnection.open('postgres://postgres@127.0.0.1:5432/postgres');
 * console.log(await readPostgresUnmodelled(connection)); // ['trigger users_audit on users']
 * await connection.close();
 * ```
 */
export async function readPostgresUnmodelled(connection: Connection): Promise<string[]> {
  const rows = await connection.query(TRIGGERS_SQL);
  return rows.map((row) => `trigger ${String(row['name'])} on ${String(row['table_name'])}`);
}
