import { StrataError } from '../errors.js';

/**
 * A Drizzle schema file named by drizzle.config's `schema` does not exist, or fails to compile or to
 * evaluate (a syntax error, an import that does not resolve, code that throws at load time).
 *
 * @example
 * ```ts
 * import { SchemaFileLoadError } from '@strata/engine';
 * throw new SchemaFileLoadError('/repo/apps/billing/src/schema.ts', 'Cannot find module "drizzle-orm/pg-core"');
 * ```
 */
export class SchemaFileLoadError extends StrataError {
  static readonly CODE = 'SCHEMA_FILE_LOAD_FAILED';
  constructor(file: string, problem: string, cause?: unknown) {
    super(SchemaFileLoadError.CODE, `Could not load the Drizzle schema file ${file}: ${problem}`, {
      hint: `Fix ${file} (it must load on its own, with drizzle-orm installed where it can resolve it), or correct \`schema\` in drizzle.config.`,
      details: { file },
      cause,
    });
  }
}

/**
 * The schema files loaded, but none of them exports a table of the stream's dialect (drizzle-kit
 * only sees exported tables: `export const users = pgTable(...)`).
 *
 * @example
 * ```ts
 * import { SchemaNoTablesError } from '@strata/engine';
 * throw new SchemaNoTablesError('postgresql', ['/repo/apps/billing/src/schema.ts']);
 * ```
 */
export class SchemaNoTablesError extends StrataError {
  static readonly CODE = 'SCHEMA_NO_TABLES';
  constructor(dialect: string, files: readonly string[]) {
    super(SchemaNoTablesError.CODE, `No ${dialect} tables found in the Drizzle schema files: ${files.length === 0 ? '(none)' : files.join(', ')}.`, {
      hint:
        'Export every table from the schema files (`export const users = pgTable(...)`), check that `schema` in drizzle.config ' +
        'names the right files, and that the tables are built with the dialect\'s module (pg-core, mysql-core, sqlite-core).',
      details: { dialect, files: [...files] },
    });
  }
}

/**
 * A Drizzle schema names an object Strata cannot place in a schema: `dot-in-name`, a table, enum,
 * sequence or view whose own name (or whose schema's name) holds a dot, which Strata uses to separate
 * a schema from a name (`billing.invoices`, PostgreSQL); `other-schema`, a table declared in another
 * schema of a server whose schemas are databases (MySQL's `mysqlSchema`, which drizzle-kit leaves out
 * of its snapshot and a stream does not migrate).
 *
 * @example
 * ```ts
 * import { SchemaQualifiedNameError } from '@strata/engine';
 * throw new SchemaQualifiedNameError('dot-in-name', 'postgresql', 'table', 'invoices.2024', 'billing');
 * ```
 */
export class SchemaQualifiedNameError extends StrataError {
  static readonly CODE = 'SCHEMA_QUALIFIED_NAME';
  constructor(reason: 'dot-in-name' | 'other-schema', dialect: string, kind: string, name: string, schema: string | undefined) {
    const where = schema === undefined ? '' : ` in the schema "${schema}"`;
    const dot = reason === 'dot-in-name';
    super(
      SchemaQualifiedNameError.CODE,
      dot
        ? `The ${kind} "${name}"${where} has a dot in its name; Strata names an object of another schema "schema.name", so it cannot name this one.`
        : `The ${kind} ${name}${where} is in another database of the server; a stream migrates the database its URL names only.`,
      {
        hint: dot
          ? `Rename the ${kind} (or the schema) in the Drizzle schema without the dot.`
          : `Declare it with the dialect's plain table function (the URL's database), or give that database a stream of its own.`,
        details: { dialect, kind, name, schema: schema ?? null },
      },
    );
  }
}

/**
 * A column uses a feature Strata's schema model cannot represent, so a migration could not create it
 * nor a drift check see it (a PostgreSQL virtual generated column, a custom type without an SQL type).
 *
 * @example
 * ```ts
 * import { SchemaUnsupportedColumnFeatureError } from '@strata/engine';
 * throw new SchemaUnsupportedColumnFeatureError('accounts', 'total', 'a virtual generated column (the server stores generated columns only)');
 * ```
 */
export class SchemaUnsupportedColumnFeatureError extends StrataError {
  static readonly CODE = 'SCHEMA_UNSUPPORTED_COLUMN_FEATURE';
  constructor(table: string, column: string, feature: string) {
    super(SchemaUnsupportedColumnFeatureError.CODE, `The column ${table}.${column} uses ${feature}, which Strata cannot migrate.`, {
      hint: `Change ${table}.${column} in the Drizzle schema, or create it with a hand-written revision (\`ctx.execute(...)\`) and leave it out of the schema.`,
      details: { table, column, feature },
    });
  }
}

/**
 * drizzle-kit, whose snapshot functions read the Drizzle schema, is not installed where Strata can import it.
 *
 * @example
 * ```ts
 * import { SchemaDrizzleKitMissingError } from '@strata/engine';
 * throw new SchemaDrizzleKitMissingError(new Error('Cannot find package'));
 * ```
 */
export class SchemaDrizzleKitMissingError extends StrataError {
  static readonly CODE = 'SCHEMA_DRIZZLE_KIT_MISSING';
  constructor(cause: unknown) {
    super(SchemaDrizzleKitMissingError.CODE, 'Reading the Drizzle schema needs drizzle-kit, which is not installed.', {
      hint: 'Install it next to @strata/engine: npm install --save-dev drizzle-kit',
      cause,
    });
  }
}

/** drizzle-kit itself failed on the schema (often a column reference that is undefined in an index or foreign key). */
export class SchemaDrizzleKitFailedError extends StrataError {
  static readonly CODE = 'SCHEMA_DRIZZLE_KIT_FAILED';
  constructor(files: readonly string[], cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(SchemaDrizzleKitFailedError.CODE, `drizzle-kit could not read the schema in ${files.join(', ')}: ${reason}`, {
      hint: 'Check that every column an index, foreign key or check refers to exists in the table (`drizzle-kit generate` shows the same failure).',
      details: { files: [...files], reason },
      cause,
    });
  }
}

/**
 * A table or column name in the Drizzle schema is longer than the server allows, where the server
 * refuses such names (MySQL/MariaDB: 64 characters). The application's queries use the name too, so
 * Strata does not shorten it behind their back.
 *
 * @example
 * ```ts
 * import { SchemaIdentifierTooLongError } from '@strata/engine';
 * new SchemaIdentifierTooLongError('column', 'orders.' + 'x'.repeat(70), 64, 'characters').code; // 'SCHEMA_IDENTIFIER_TOO_LONG'
 * ```
 */
export class SchemaIdentifierTooLongError extends StrataError {
  static readonly CODE = 'SCHEMA_IDENTIFIER_TOO_LONG';
  constructor(kind: 'table' | 'column' | 'enum' | 'schema', name: string, max: number, unit: string) {
    super(SchemaIdentifierTooLongError.CODE, `The ${kind} name ${name} in the Drizzle schema is longer than the ${max} ${unit} the server allows.`, {
      hint: `Give the ${kind} a shorter name in the Drizzle schema (the server would refuse this one).`,
      details: { kind, name, max, unit },
    });
  }
}
