import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { OP_KINDS, type Op } from '../ops/op.js';
import { shortenIdentifier } from '../schema/identifiers.js';
import { emptySchema, type SchemaModel, type TableModel } from '../schema/model.js';
import { DIALECT_NAMES, type DialectName } from './dialect.js';
import { ExistingColumnUnknownError, IdentifierTooLongError, RecreateNeedsTableError, RecreateTargetMissingError, UnsupportedOperationError } from './errors.js';
import { MysqlDialect } from './mysql/mysql-dialect.js';
import { PostgresDialect } from './postgres/postgres-dialect.js';
import type { RenderBase } from './render-base.js';
import type { RenderContext } from './renderer.js';
import { SqliteDialect } from './sqlite/sqlite-dialect.js';
import { needsRecreate } from './sqlite/sqlite-recreate.js';

// Through the dialects, as the runner reaches them.
const RENDERERS: Record<DialectName, RenderBase> = {
  postgresql: new PostgresDialect().renderer,
  mysql: new MysqlDialect().renderer,
  sqlite: new SqliteDialect().renderer,
};

/** The exact SQL per dialect; a new dialect fails to compile until every case says what it renders. */
type Expected = Record<DialectName, string[] | 'unsupported'>;

interface Case {
  readonly name: string;
  readonly op: Op;
  /** The table the op works on, as it is (the runner passes it from the inspector or the model). */
  readonly table?: TableModel;
  readonly schema?: SchemaModel;
  readonly expected: Expected;
}

// ---- fixtures -------------------------------------------------------------------------------

const USERS: TableModel = {
  name: 'users',
  columns: [
    { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
    { name: 'email', type: 'text', nullable: false },
  ],
  primaryKey: { columns: ['id'] },
  indexes: [],
  foreignKeys: [],
  uniqueConstraints: [],
  checkConstraints: [],
};

const ORDERS: TableModel = {
  name: 'orders',
  columns: [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'user_id', type: 'integer', nullable: false },
    { name: 'code', type: 'text', nullable: false },
    { name: 'status', type: 'text', nullable: false, default: "'new'" },
    { name: 'total', type: 'integer', nullable: true },
    { name: 'comment', type: 'text', nullable: true },
  ],
  primaryKey: { columns: ['id'] },
  indexes: [
    { name: 'ix_orders_user', parts: [{ column: 'user_id' }], unique: false },
    { name: 'ix_orders_status', parts: [{ expression: 'lower(status)' }], unique: false, where: 'total > 0' },
  ],
  foreignKeys: [
    {
      name: 'fk_orders_user',
      columns: ['user_id'],
      referencedTable: 'users',
      referencedColumns: ['id'],
      onDelete: 'cascade',
      onUpdate: 'no action',
    },
  ],
  uniqueConstraints: [{ name: 'uq_orders_code', columns: ['code'] }],
  checkConstraints: [{ name: 'ck_orders_total', expression: 'total >= 0' }],
};

const ORDER_ITEMS: TableModel = {
  name: 'order_items',
  columns: [
    { name: 'id', type: 'integer', nullable: false },
    { name: 'order_id', type: 'integer', nullable: false },
  ],
  primaryKey: { columns: ['id'] },
  indexes: [],
  foreignKeys: [
    {
      name: 'fk_order_items_order',
      columns: ['order_id'],
      referencedTable: 'orders',
      referencedColumns: ['id'],
      onDelete: 'cascade',
      onUpdate: 'no action',
    },
  ],
  uniqueConstraints: [],
  checkConstraints: [],
};

/** The orders table's definition lines as SQLite renders them, by column or constraint. */
const ORDERS_LINES = {
  id: '"id" integer NOT NULL',
  user_id: '"user_id" integer NOT NULL',
  code: '"code" text NOT NULL',
  status: `"status" text NOT NULL DEFAULT 'new'`,
  total: '"total" integer',
  comment: '"comment" text',
  pk: 'PRIMARY KEY ("id")',
  unique: 'CONSTRAINT "uq_orders_code" UNIQUE ("code")',
  check: 'CONSTRAINT "ck_orders_total" CHECK (total >= 0)',
  fk: 'CONSTRAINT "fk_orders_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE',
};
const ORDERS_INDEXES = [
  'CREATE INDEX "ix_orders_user" ON "orders" ("user_id")',
  'CREATE INDEX "ix_orders_status" ON "orders" ((lower(status))) WHERE total > 0',
];
const ALL_ORDERS_COLUMNS = ['id', 'user_id', 'code', 'status', 'total', 'comment'];

/** The statements of a SQLite recreate of `orders`, exactly as planned. */
function recreateOrders(options: {
  lines: string[];
  copy?: string[];
  select?: string[];
  indexes?: string[];
}): string[] {
  const copy = options.copy ?? ALL_ORDERS_COLUMNS;
  const targets = copy.map((column) => `"${column}"`).join(', ');
  const sources = (options.select ?? copy.map((column) => `"${column}"`)).join(', ');
  return [
    `CREATE TABLE "_strata_new_orders" (\n  ${options.lines.join(',\n  ')}\n)`,
    `INSERT INTO "_strata_new_orders" (${targets}) SELECT ${sources} FROM "orders"`,
    'DROP TABLE "orders"',
    'ALTER TABLE "_strata_new_orders" RENAME TO "orders"',
    ...(options.indexes ?? ORDERS_INDEXES),
  ];
}

const L = ORDERS_LINES;
const COLUMN_LINES = [L.id, L.user_id, L.code, L.status, L.total, L.comment];
const CONSTRAINT_LINES = [L.pk, L.unique, L.check, L.fk];

// ---- cases ----------------------------------------------------------------------------------

/** Objects of other PostgreSQL schemas (`billing.invoices`): qualified part by part there, refused where a database has no schemas. */
const BILLING_SCHEMA: SchemaModel = {
  tables: new Map(),
  enums: new Map([['billing.invoice_status', { name: 'billing.invoice_status', values: ['draft', 'paid'] }]]),
  schemas: ['billing'],
};
const BILLING_INVOICES: TableModel = {
  name: 'billing.invoices',
  columns: [{ name: 'id', type: 'integer', nullable: false, autoIncrement: true }],
  primaryKey: { name: 'invoices_pkey', columns: ['id'] },
  indexes: [],
  foreignKeys: [],
  uniqueConstraints: [],
  checkConstraints: [],
};
const SCHEMA_CASES: readonly Case[] = [
  {
    name: 'createSchema, if not there',
    op: { kind: 'createSchema', name: 'billing' },
    expected: { postgresql: ['CREATE SCHEMA IF NOT EXISTS "billing"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropSchema, if there and empty (no CASCADE)',
    op: { kind: 'dropSchema', name: 'billing' },
    expected: { postgresql: ['DROP SCHEMA IF EXISTS "billing"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createTable in a schema, an enum column of that schema, a foreign key to another schema',
    op: {
      kind: 'createTable',
      table: 'billing.invoices',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true, autoIncrement: true },
        { name: 'user_id', type: 'integer' },
        { name: 'status', type: 'billing.invoice_status', default: "'draft'" },
      ],
      foreignKeys: [{ name: 'invoices_user_id_fk', columns: ['user_id'], referencedTable: 'auth.users', referencedColumns: ['id'], onDelete: 'cascade' }],
    },
    schema: BILLING_SCHEMA,
    expected: {
      postgresql: [
        'CREATE TABLE "billing"."invoices" (\n' +
          '  "id" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,\n' +
          '  "user_id" integer,\n' +
          '  "status" "billing"."invoice_status" DEFAULT \'draft\',\n' +
          '  PRIMARY KEY ("id"),\n' +
          '  CONSTRAINT "invoices_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users" ("id") ON DELETE CASCADE\n' +
          ')',
      ],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createForeignKey from the default schema to another schema',
    op: { kind: 'createForeignKey', table: 'payments', foreignKey: { name: 'payments_invoice_fk', columns: ['invoice_id'], referencedTable: 'billing.invoices', referencedColumns: ['id'] } },
    expected: {
      postgresql: ['ALTER TABLE "payments" ADD CONSTRAINT "payments_invoice_fk" FOREIGN KEY ("invoice_id") REFERENCES "billing"."invoices" ("id")'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex and dropIndex in a schema: the index is named bare on create, in its table\'s schema on drop',
    op: { kind: 'createIndex', table: 'billing.invoices', name: 'invoices_status_idx', columns: ['status'] },
    expected: { postgresql: ['CREATE INDEX "invoices_status_idx" ON "billing"."invoices" ("status")'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropIndex in a schema',
    op: { kind: 'dropIndex', table: 'billing.invoices', name: 'invoices_status_idx' },
    expected: { postgresql: ['DROP INDEX "billing"."invoices_status_idx"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'renameIndex in a schema: the index is found in its table\'s schema',
    op: { kind: 'renameIndex', table: 'billing.invoices', name: 'invoices_status_idx', to: 'invoices_state_idx' },
    expected: { postgresql: ['ALTER INDEX "billing"."invoices_status_idx" RENAME TO "invoices_state_idx"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'renameConstraint on a table of a schema',
    op: { kind: 'renameConstraint', table: 'billing.invoices', name: 'bills_pkey', to: 'invoices_pkey' },
    table: BILLING_INVOICES,
    expected: { postgresql: ['ALTER TABLE "billing"."invoices" RENAME CONSTRAINT "bills_pkey" TO "invoices_pkey"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropPrimaryKey in a schema: the default key name is the bare table name\'s',
    op: { kind: 'dropPrimaryKey', table: 'billing.invoices' },
    expected: { postgresql: ['ALTER TABLE "billing"."invoices" DROP CONSTRAINT "invoices_pkey"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'renameTable within a schema renames its identity sequence and NOT NULL constraint there too',
    op: { kind: 'renameTable', table: 'billing.invoices', to: 'billing.bills' },
    table: BILLING_INVOICES,
    expected: {
      postgresql: [
        'ALTER TABLE "billing"."invoices" RENAME TO "bills"',
        'ALTER SEQUENCE IF EXISTS "billing"."invoices_id_seq" RENAME TO "bills_id_seq"',
        'DO $strata$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = \'"billing"."bills"\'::regclass AND contype = \'n\' AND conname = \'invoices_id_not_null\') THEN ' +
          'ALTER TABLE "billing"."bills" RENAME CONSTRAINT "invoices_id_not_null" TO "bills_id_not_null"; END IF; END $strata$',
      ],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'renameTable to another schema',
    op: { kind: 'renameTable', table: 'billing.invoices', to: 'archive.invoices' },
    table: BILLING_INVOICES,
    expected: { postgresql: 'unsupported', mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createEnum, addEnumValue and dropEnum in a schema',
    op: { kind: 'addEnumValue', name: 'billing.invoice_status', value: 'void', after: 'paid' },
    expected: { postgresql: ['ALTER TYPE "billing"."invoice_status" ADD VALUE \'void\' AFTER \'paid\''], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createEnum in a schema',
    op: { kind: 'createEnum', name: 'billing.invoice_status', values: ['draft', 'paid'] },
    expected: { postgresql: ['CREATE TYPE "billing"."invoice_status" AS ENUM (\'draft\', \'paid\')'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createSequence in a schema',
    op: { kind: 'createSequence', name: 'billing.invoice_numbers', start: '1000' },
    expected: { postgresql: ['CREATE SEQUENCE "billing"."invoice_numbers" START WITH 1000'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createView in a schema',
    op: { kind: 'createView', name: 'reporting.paid', definition: 'select id from billing.invoices' },
    expected: { postgresql: ['CREATE VIEW "reporting"."paid" AS select id from billing.invoices'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createPolicy and row-level security on a table of a schema',
    op: { kind: 'createPolicy', table: 'billing.invoices', policy: { name: 'own_invoices', using: 'user_id = 1' } },
    expected: {
      postgresql: ['CREATE POLICY "own_invoices" ON "billing"."invoices" AS PERMISSIVE FOR ALL TO public USING (user_id = 1)'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'addColumn to a table of a schema',
    op: { kind: 'addColumn', table: 'billing.invoices', column: { name: 'note', type: 'text' } },
    expected: { postgresql: ['ALTER TABLE "billing"."invoices" ADD COLUMN "note" text'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
];

const CASES: readonly Case[] = [
  {
    name: 'createTable with a primaryKey shorthand, NOT NULL and a literal default',
    op: {
      kind: 'createTable',
      table: 'accounts',
      columns: [
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'email', type: 'varchar(255)', nullable: false },
        { name: 'active', type: 'boolean', default: 'true' },
      ],
    },
    expected: {
      postgresql: ['CREATE TABLE "accounts" (\n  "id" integer NOT NULL,\n  "email" varchar(255) NOT NULL,\n  "active" boolean DEFAULT true,\n  PRIMARY KEY ("id")\n)'],
      mysql: ['CREATE TABLE `accounts` (\n  `id` integer NOT NULL,\n  `email` varchar(255) NOT NULL,\n  `active` boolean DEFAULT true,\n  PRIMARY KEY (`id`)\n)'],
      sqlite: ['CREATE TABLE "accounts" (\n  "id" integer NOT NULL,\n  "email" varchar(255) NOT NULL,\n  "active" boolean DEFAULT true,\n  PRIMARY KEY ("id")\n)'],
    },
  },
  {
    name: 'createTable with a named composite primary key, a unique, a check and foreign keys with actions',
    op: {
      kind: 'createTable',
      table: 'order_lines',
      columns: [
        { name: 'order_id', type: 'integer' },
        { name: 'line', type: 'integer' },
        { name: 'sku', type: 'varchar(40)', nullable: false },
        { name: 'qty', type: 'integer', nullable: false, default: '1' },
      ],
      primaryKey: { name: 'pk_order_lines', columns: ['order_id', 'line'] },
      uniqueConstraints: [{ name: 'uq_order_lines_sku', columns: ['order_id', 'sku'] }],
      checkConstraints: [{ name: 'ck_order_lines_qty', expression: 'qty > 0' }],
      foreignKeys: [
        { name: 'fk_order_lines_order', columns: ['order_id'], referencedTable: 'orders', referencedColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' },
        { name: 'fk_order_lines_sku', columns: ['sku'], referencedTable: 'products', referencedColumns: ['sku'], onDelete: 'restrict', onUpdate: 'cascade' },
      ],
    },
    expected: {
      postgresql: [
        'CREATE TABLE "order_lines" (\n  "order_id" integer NOT NULL,\n  "line" integer NOT NULL,\n  "sku" varchar(40) NOT NULL,\n  "qty" integer NOT NULL DEFAULT 1,\n' +
          '  CONSTRAINT "pk_order_lines" PRIMARY KEY ("order_id", "line"),\n  CONSTRAINT "uq_order_lines_sku" UNIQUE ("order_id", "sku"),\n' +
          '  CONSTRAINT "ck_order_lines_qty" CHECK (qty > 0),\n' +
          '  CONSTRAINT "fk_order_lines_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE,\n' +
          '  CONSTRAINT "fk_order_lines_sku" FOREIGN KEY ("sku") REFERENCES "products" ("sku") ON DELETE RESTRICT ON UPDATE CASCADE\n)',
      ],
      mysql: [
        'CREATE TABLE `order_lines` (\n  `order_id` integer NOT NULL,\n  `line` integer NOT NULL,\n  `sku` varchar(40) NOT NULL,\n  `qty` integer NOT NULL DEFAULT 1,\n' +
          '  PRIMARY KEY (`order_id`, `line`),\n  CONSTRAINT `uq_order_lines_sku` UNIQUE (`order_id`, `sku`),\n' +
          '  CONSTRAINT `ck_order_lines_qty` CHECK (qty > 0),\n' +
          '  CONSTRAINT `fk_order_lines_order` FOREIGN KEY (`order_id`) REFERENCES `orders` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION,\n' +
          '  CONSTRAINT `fk_order_lines_sku` FOREIGN KEY (`sku`) REFERENCES `products` (`sku`) ON DELETE RESTRICT ON UPDATE CASCADE\n)',
      ],
      sqlite: [
        'CREATE TABLE "order_lines" (\n  "order_id" integer NOT NULL,\n  "line" integer NOT NULL,\n  "sku" varchar(40) NOT NULL,\n  "qty" integer NOT NULL DEFAULT 1,\n' +
          '  CONSTRAINT "pk_order_lines" PRIMARY KEY ("order_id", "line"),\n  CONSTRAINT "uq_order_lines_sku" UNIQUE ("order_id", "sku"),\n' +
          '  CONSTRAINT "ck_order_lines_qty" CHECK (qty > 0),\n' +
          '  CONSTRAINT "fk_order_lines_order" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE,\n' +
          '  CONSTRAINT "fk_order_lines_sku" FOREIGN KEY ("sku") REFERENCES "products" ("sku") ON DELETE RESTRICT ON UPDATE CASCADE\n)',
      ],
    },
  },
  {
    name: 'createTable with an auto-increment primary key',
    op: { kind: 'createTable', table: 'tags', columns: [{ name: 'id', type: 'integer', primaryKey: true, autoIncrement: true }, { name: 'label', type: 'text' }] },
    expected: {
      postgresql: ['CREATE TABLE "tags" (\n  "id" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY,\n  "label" text,\n  PRIMARY KEY ("id")\n)'],
      mysql: ['CREATE TABLE `tags` (\n  `id` integer NOT NULL AUTO_INCREMENT,\n  `label` text,\n  PRIMARY KEY (`id`)\n)'],
      sqlite: ['CREATE TABLE "tags" (\n  "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT,\n  "label" text\n)'],
    },
  },
  {
    name: 'createTable with auto-increment on a bigint key (SQLite allows it on integer only)',
    op: { kind: 'createTable', table: 'tags', columns: [{ name: 'id', type: 'bigint', primaryKey: true, autoIncrement: true }] },
    expected: {
      postgresql: ['CREATE TABLE "tags" (\n  "id" bigint NOT NULL GENERATED BY DEFAULT AS IDENTITY,\n  PRIMARY KEY ("id")\n)'],
      mysql: ['CREATE TABLE `tags` (\n  `id` bigint NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n)'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createTable with auto-increment on a text column',
    op: { kind: 'createTable', table: 'tags', columns: [{ name: 'id', type: 'text', primaryKey: true, autoIncrement: true }] },
    expected: {
      postgresql: 'unsupported',
      mysql: ['CREATE TABLE `tags` (\n  `id` text NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n)'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createTable with expression defaults (parenthesised where MySQL and SQLite need it)',
    op: {
      kind: 'createTable',
      table: 'events',
      columns: [
        { name: 'at', type: 'timestamp', default: 'CURRENT_TIMESTAMP' },
        { name: 'code', type: 'varchar(20)', default: "lower('X')" },
        { name: 'n', type: 'integer', default: '(1 + 1)' },
      ],
    },
    expected: {
      postgresql: [`CREATE TABLE "events" (\n  "at" timestamp DEFAULT CURRENT_TIMESTAMP,\n  "code" varchar(20) DEFAULT lower('X'),\n  "n" integer DEFAULT (1 + 1)\n)`],
      mysql: ["CREATE TABLE `events` (\n  `at` timestamp DEFAULT CURRENT_TIMESTAMP,\n  `code` varchar(20) DEFAULT (lower('X')),\n  `n` integer DEFAULT (1 + 1)\n)"],
      sqlite: [`CREATE TABLE "events" (\n  "at" timestamp DEFAULT CURRENT_TIMESTAMP,\n  "code" varchar(20) DEFAULT (lower('X')),\n  "n" integer DEFAULT (1 + 1)\n)`],
    },
  },
  {
    name: 'createTable with a stored generated column',
    op: {
      kind: 'createTable',
      table: 'lines',
      columns: [
        { name: 'qty', type: 'integer' },
        { name: 'double_qty', type: 'integer', generated: { expression: 'qty * 2', stored: true } },
      ],
    },
    expected: {
      postgresql: ['CREATE TABLE "lines" (\n  "qty" integer,\n  "double_qty" integer GENERATED ALWAYS AS (qty * 2) STORED\n)'],
      mysql: ['CREATE TABLE `lines` (\n  `qty` integer,\n  `double_qty` integer GENERATED ALWAYS AS (qty * 2) STORED\n)'],
      sqlite: ['CREATE TABLE "lines" (\n  "qty" integer,\n  "double_qty" integer GENERATED ALWAYS AS (qty * 2) STORED\n)'],
    },
  },
  {
    name: 'createTable with a virtual generated column (PostgreSQL 15 has stored ones only)',
    op: {
      kind: 'createTable',
      table: 'lines',
      columns: [
        { name: 'qty', type: 'integer' },
        { name: 'double_qty', type: 'integer', generated: { expression: 'qty * 2', stored: false } },
      ],
    },
    expected: {
      postgresql: 'unsupported',
      mysql: ['CREATE TABLE `lines` (\n  `qty` integer,\n  `double_qty` integer GENERATED ALWAYS AS (qty * 2) VIRTUAL\n)'],
      sqlite: ['CREATE TABLE "lines" (\n  "qty" integer,\n  "double_qty" integer GENERATED ALWAYS AS (qty * 2) VIRTUAL\n)'],
    },
  },
  {
    name: 'createTable with a NOT NULL generated column (MariaDB rejects it)',
    op: {
      kind: 'createTable',
      table: 'lines',
      columns: [
        { name: 'qty', type: 'integer' },
        { name: 'double_qty', type: 'integer', nullable: false, generated: { expression: 'qty * 2', stored: true } },
      ],
    },
    expected: {
      postgresql: ['CREATE TABLE "lines" (\n  "qty" integer,\n  "double_qty" integer GENERATED ALWAYS AS (qty * 2) STORED NOT NULL\n)'],
      mysql: 'unsupported',
      sqlite: ['CREATE TABLE "lines" (\n  "qty" integer,\n  "double_qty" integer GENERATED ALWAYS AS (qty * 2) STORED NOT NULL\n)'],
    },
  },
  {
    name: 'createTable with a SET DEFAULT foreign key (InnoDB rejects it)',
    op: {
      kind: 'createTable',
      table: 'notes',
      columns: [{ name: 'user_id', type: 'integer', default: '0' }],
      foreignKeys: [{ name: 'fk_notes_user', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set default' }],
    },
    expected: {
      postgresql: ['CREATE TABLE "notes" (\n  "user_id" integer DEFAULT 0,\n  CONSTRAINT "fk_notes_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET DEFAULT\n)'],
      mysql: 'unsupported',
      sqlite: ['CREATE TABLE "notes" (\n  "user_id" integer DEFAULT 0,\n  CONSTRAINT "fk_notes_user" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE SET DEFAULT\n)'],
    },
  },
  {
    name: 'createTable with a column of a PostgreSQL enum type (an identifier there)',
    op: { kind: 'createTable', table: 'people', columns: [{ name: 'mood', type: 'Mood' }] },
    schema: { tables: new Map(), enums: new Map([['Mood', { name: 'Mood', values: ['ok'] }]]) },
    expected: {
      postgresql: ['CREATE TABLE "people" (\n  "mood" "Mood"\n)'],
      mysql: ['CREATE TABLE `people` (\n  `mood` Mood\n)'],
      sqlite: ['CREATE TABLE "people" (\n  "mood" Mood\n)'],
    },
  },
  {
    name: 'createTable quotes identifiers holding the quote character',
    op: { kind: 'createTable', table: 'we"ird`t', columns: [{ name: 'c"o`l', type: 'text' }] },
    expected: {
      postgresql: ['CREATE TABLE "we""ird`t" (\n  "c""o`l" text\n)'],
      mysql: ['CREATE TABLE `we"ird``t` (\n  `c"o``l` text\n)'],
      sqlite: ['CREATE TABLE "we""ird`t" (\n  "c""o`l" text\n)'],
    },
  },
  {
    name: 'dropTable',
    op: { kind: 'dropTable', table: 'orders' },
    expected: { postgresql: ['DROP TABLE "orders"'], mysql: ['DROP TABLE `orders`'], sqlite: ['DROP TABLE "orders"'] },
  },
  {
    name: 'renameTable',
    op: { kind: 'renameTable', table: 'orders', to: 'purchases' },
    expected: {
      postgresql: ['ALTER TABLE "orders" RENAME TO "purchases"'],
      mysql: ['ALTER TABLE `orders` RENAME TO `purchases`'],
      sqlite: ['ALTER TABLE "orders" RENAME TO "purchases"'],
    },
  },
  {
    name: 'renameTable renames the NOT NULL constraints PostgreSQL 18 named after it, the key column\'s included',
    op: { kind: 'renameTable', table: 'orders', to: 'purchases' },
    table: ORDERS,
    expected: {
      postgresql: [
        'ALTER TABLE "orders" RENAME TO "purchases"',
        'DO $strata$ BEGIN ' +
          ['id', 'user_id', 'code', 'status']
            .map(
              (column) =>
                `IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = '"purchases"'::regclass AND contype = 'n' AND conname = 'orders_${column}_not_null') THEN ` +
                `ALTER TABLE "purchases" RENAME CONSTRAINT "orders_${column}_not_null" TO "purchases_${column}_not_null"; END IF;`,
            )
            .join(' ') +
          ' END $strata$',
      ],
      mysql: ['ALTER TABLE `orders` RENAME TO `purchases`'],
      sqlite: ['ALTER TABLE "orders" RENAME TO "purchases"'],
    },
  },
  {
    name: 'addColumn, nullable',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'note', type: 'text' } },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD COLUMN "note" text'],
      mysql: ['ALTER TABLE `orders` ADD COLUMN `note` text'],
      sqlite: ['ALTER TABLE "orders" ADD COLUMN "note" text'],
    },
  },
  {
    name: 'addColumn, NOT NULL with a literal default (SQLite adds it in place)',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'channel', type: 'text', nullable: false, default: "'web'" } },
    table: ORDERS,
    expected: {
      postgresql: [`ALTER TABLE "orders" ADD COLUMN "channel" text NOT NULL DEFAULT 'web'`],
      mysql: ["ALTER TABLE `orders` ADD COLUMN `channel` text NOT NULL DEFAULT 'web'"],
      sqlite: [`ALTER TABLE "orders" ADD COLUMN "channel" text NOT NULL DEFAULT 'web'`],
    },
  },
  {
    name: 'addColumn, NOT NULL without a default (SQLite recreates; the new column is not copied)',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'priority', type: 'integer', nullable: false } },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD COLUMN "priority" integer NOT NULL'],
      mysql: ['ALTER TABLE `orders` ADD COLUMN `priority` integer NOT NULL'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, '"priority" integer NOT NULL', ...CONSTRAINT_LINES] }),
    },
  },
  {
    name: 'addColumn with the primaryKey shorthand (createTable only)',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'key', type: 'integer', primaryKey: true } },
    table: ORDERS,
    expected: { postgresql: 'unsupported', mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropColumn of an unreferenced column (SQLite drops it in place)',
    op: { kind: 'dropColumn', table: 'orders', column: 'comment' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP COLUMN "comment"'],
      mysql: ['ALTER TABLE `orders` DROP COLUMN `comment`'],
      sqlite: ['ALTER TABLE "orders" DROP COLUMN "comment"'],
    },
  },
  {
    name: 'dropColumn of an indexed column (SQLite recreates without the column, its index and its check)',
    op: { kind: 'dropColumn', table: 'orders', column: 'total' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP COLUMN "total"'],
      mysql: ['ALTER TABLE `orders` DROP COLUMN `total`'],
      sqlite: recreateOrders({
        lines: [L.id, L.user_id, L.code, L.status, L.comment, L.pk, L.unique, L.fk],
        copy: ['id', 'user_id', 'code', 'status', 'comment'],
        indexes: [ORDERS_INDEXES[0] ?? ''],
      }),
    },
  },
  {
    name: 'alterColumn type with USING',
    op: { kind: 'alterColumn', table: 'orders', column: 'total', type: 'bigint', using: 'total * 100' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ALTER COLUMN "total" TYPE bigint USING (total * 100)'],
      mysql: 'unsupported',
      sqlite: recreateOrders({
        lines: [L.id, L.user_id, L.code, L.status, '"total" bigint', L.comment, ...CONSTRAINT_LINES],
        select: ['"id"', '"user_id"', '"code"', '"status"', '(total * 100)', '"comment"'],
      }),
    },
  },
  {
    name: 'alterColumn type (MySQL restates the column from the table)',
    op: { kind: 'alterColumn', table: 'orders', column: 'status', type: 'varchar(20)' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ALTER COLUMN "status" TYPE varchar(20)'],
      mysql: ["ALTER TABLE `orders` MODIFY COLUMN `status` varchar(20) NOT NULL DEFAULT 'new'"],
      sqlite: recreateOrders({ lines: [L.id, L.user_id, L.code, `"status" varchar(20) NOT NULL DEFAULT 'new'`, L.total, L.comment, ...CONSTRAINT_LINES] }),
    },
  },
  {
    name: 'alterColumn nullability',
    op: { kind: 'alterColumn', table: 'orders', column: 'total', nullable: false },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ALTER COLUMN "total" SET NOT NULL'],
      mysql: ['ALTER TABLE `orders` MODIFY COLUMN `total` integer NOT NULL'],
      sqlite: recreateOrders({ lines: [L.id, L.user_id, L.code, L.status, '"total" integer NOT NULL', L.comment, ...CONSTRAINT_LINES] }),
    },
  },
  {
    name: 'alterColumn default set, from `existing` (no table given)',
    op: {
      kind: 'alterColumn',
      table: 'orders',
      column: 'status',
      default: "'open'",
      existing: { name: 'status', type: 'text', nullable: false, default: "'new'" },
    },
    expected: {
      postgresql: [`ALTER TABLE "orders" ALTER COLUMN "status" SET DEFAULT 'open'`],
      mysql: ["ALTER TABLE `orders` MODIFY COLUMN `status` text NOT NULL DEFAULT 'open'"],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'alterColumn default drop',
    op: { kind: 'alterColumn', table: 'orders', column: 'status', default: null },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ALTER COLUMN "status" DROP DEFAULT'],
      mysql: ['ALTER TABLE `orders` MODIFY COLUMN `status` text NOT NULL'],
      sqlite: recreateOrders({ lines: [L.id, L.user_id, L.code, '"status" text NOT NULL', L.total, L.comment, ...CONSTRAINT_LINES] }),
    },
  },
  {
    name: 'alterColumn type, nullability and default at once (PostgreSQL: type first)',
    op: { kind: 'alterColumn', table: 'orders', column: 'comment', type: 'varchar(500)', nullable: false, default: "''" },
    table: ORDERS,
    expected: {
      postgresql: [
        'ALTER TABLE "orders" ALTER COLUMN "comment" TYPE varchar(500)',
        'ALTER TABLE "orders" ALTER COLUMN "comment" SET NOT NULL',
        `ALTER TABLE "orders" ALTER COLUMN "comment" SET DEFAULT ''`,
      ],
      mysql: ["ALTER TABLE `orders` MODIFY COLUMN `comment` varchar(500) NOT NULL DEFAULT ''"],
      sqlite: recreateOrders({ lines: [L.id, L.user_id, L.code, L.status, L.total, `"comment" varchar(500) NOT NULL DEFAULT ''`, ...CONSTRAINT_LINES] }),
    },
  },
  {
    name: 'alterColumn of an auto-increment column keeps AUTO_INCREMENT in MySQL',
    op: { kind: 'alterColumn', table: 'users', column: 'id', type: 'bigint' },
    table: USERS,
    expected: {
      postgresql: ['ALTER TABLE "users" ALTER COLUMN "id" TYPE bigint'],
      mysql: ['ALTER TABLE `users` MODIFY COLUMN `id` bigint NOT NULL AUTO_INCREMENT'],
      // AUTOINCREMENT is for integer only.
      sqlite: 'unsupported',
    },
  },
  {
    name: 'alterColumn with nothing to change renders nothing',
    op: { kind: 'alterColumn', table: 'orders', column: 'status' },
    table: ORDERS,
    expected: { postgresql: [], mysql: [], sqlite: [] },
  },
  {
    name: 'renameColumn',
    op: { kind: 'renameColumn', table: 'orders', column: 'comment', to: 'remark' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" RENAME COLUMN "comment" TO "remark"'],
      mysql: ['ALTER TABLE `orders` RENAME COLUMN `comment` TO `remark`'],
      sqlite: ['ALTER TABLE "orders" RENAME COLUMN "comment" TO "remark"'],
    },
  },
  {
    name: 'renameColumn, NOT NULL: its PostgreSQL 18 constraint follows, clipped to 63 bytes as the server names it',
    op: { kind: 'renameColumn', table: 'orders', column: 'code', to: 'reference_code_of_the_order_as_printed_on_every_invoice' },
    table: ORDERS,
    expected: {
      postgresql: [
        'ALTER TABLE "orders" RENAME COLUMN "code" TO "reference_code_of_the_order_as_printed_on_every_invoice"',
        'DO $strata$ BEGIN IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = \'"orders"\'::regclass AND contype = \'n\' AND conname = \'orders_code_not_null\') THEN ' +
          'ALTER TABLE "orders" RENAME CONSTRAINT "orders_code_not_null" TO "orders_reference_code_of_the_order_as_printed_on_every_not_null"; END IF; END $strata$',
      ],
      mysql: ['ALTER TABLE `orders` RENAME COLUMN `code` TO `reference_code_of_the_order_as_printed_on_every_invoice`'],
      sqlite: ['ALTER TABLE "orders" RENAME COLUMN "code" TO "reference_code_of_the_order_as_printed_on_every_invoice"'],
    },
  },
  {
    name: 'createIndex',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_code_status', columns: ['code', 'status'] },
    expected: {
      postgresql: ['CREATE INDEX "ix_orders_code_status" ON "orders" ("code", "status")'],
      mysql: ['CREATE INDEX `ix_orders_code_status` ON `orders` (`code`, `status`)'],
      sqlite: ['CREATE INDEX "ix_orders_code_status" ON "orders" ("code", "status")'],
    },
  },
  {
    name: 'createIndex unique',
    op: { kind: 'createIndex', table: 'orders', name: 'ux_orders_code', columns: ['code'], unique: true },
    expected: {
      postgresql: ['CREATE UNIQUE INDEX "ux_orders_code" ON "orders" ("code")'],
      mysql: ['CREATE UNIQUE INDEX `ux_orders_code` ON `orders` (`code`)'],
      sqlite: ['CREATE UNIQUE INDEX "ux_orders_code" ON "orders" ("code")'],
    },
  },
  {
    name: 'createIndex partial (MySQL has none)',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_open', columns: ['status'], where: "status <> 'done'" },
    expected: {
      postgresql: [`CREATE INDEX "ix_orders_open" ON "orders" ("status") WHERE status <> 'done'`],
      mysql: 'unsupported',
      sqlite: [`CREATE INDEX "ix_orders_open" ON "orders" ("status") WHERE status <> 'done'`],
    },
  },
  {
    name: 'createIndex on an expression',
    op: { kind: 'createIndex', table: 'users', name: 'ix_users_email_lower', columns: [{ expression: 'lower(email)' }, 'id'] },
    expected: {
      postgresql: ['CREATE INDEX "ix_users_email_lower" ON "users" ((lower(email)), "id")'],
      mysql: ['CREATE INDEX `ix_users_email_lower` ON `users` ((lower(email)), `id`)'],
      sqlite: ['CREATE INDEX "ix_users_email_lower" ON "users" ((lower(email)), "id")'],
    },
  },
  {
    name: 'createIndex with the gin method',
    op: { kind: 'createIndex', table: 'docs', name: 'ix_docs_body', columns: ['body'], method: 'gin' },
    expected: { postgresql: ['CREATE INDEX "ix_docs_body" ON "docs" USING gin ("body")'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createIndex with the hash method',
    op: { kind: 'createIndex', table: 'docs', name: 'ix_docs_key', columns: ['key'], method: 'hash' },
    expected: {
      postgresql: ['CREATE INDEX "ix_docs_key" ON "docs" USING hash ("key")'],
      mysql: ['CREATE INDEX `ix_docs_key` ON `docs` (`key`) USING HASH'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex fulltext (a MySQL index kind)',
    op: { kind: 'createIndex', table: 'docs', name: 'ix_docs_text', columns: ['body'], method: 'FULLTEXT' },
    expected: {
      postgresql: ['CREATE INDEX "ix_docs_text" ON "docs" USING "FULLTEXT" ("body")'],
      mysql: ['CREATE FULLTEXT INDEX `ix_docs_text` ON `docs` (`body`)'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex with an operator class (the gin_trgm_ops regression: the opclass is kept)',
    op: { kind: 'createIndex', table: 'docs', name: 'ix_docs_title_trgm', columns: [{ column: 'title', opclass: 'gin_trgm_ops' }], method: 'gin' },
    expected: { postgresql: ['CREATE INDEX "ix_docs_title_trgm" ON "docs" USING gin ("title" gin_trgm_ops)'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createIndex with a btree operator class (MySQL and SQLite have none)',
    op: { kind: 'createIndex', table: 'docs', name: 'ix_docs_key_pattern', columns: [{ column: 'key', opclass: 'text_pattern_ops' }] },
    expected: { postgresql: ['CREATE INDEX "ix_docs_key_pattern" ON "docs" ("key" text_pattern_ops)'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createIndex with descending parts',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_recent', columns: [{ column: 'code', order: 'desc' }, { column: 'status', order: 'asc' }, { expression: 'lower(comment)', order: 'desc' }] },
    expected: {
      postgresql: ['CREATE INDEX "ix_orders_recent" ON "orders" ("code" DESC, "status" ASC, (lower(comment)) DESC)'],
      mysql: ['CREATE INDEX `ix_orders_recent` ON `orders` (`code` DESC, `status` ASC, (lower(comment)) DESC)'],
      sqlite: ['CREATE INDEX "ix_orders_recent" ON "orders" ("code" DESC, "status" ASC, (lower(comment)) DESC)'],
    },
  },
  {
    name: 'createIndex with NULLS placement (PostgreSQL only)',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_code_nulls', columns: [{ column: 'code', order: 'desc', nulls: 'last' }, { column: 'status', nulls: 'first' }] },
    expected: {
      postgresql: ['CREATE INDEX "ix_orders_code_nulls" ON "orders" ("code" DESC NULLS LAST, "status" NULLS FIRST)'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex with storage parameters (PostgreSQL only)',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_code_ff', columns: ['code'], with: { FillFactor: 70, deduplicate_items: false, note: "it's" }, where: 'code IS NOT NULL' },
    expected: {
      postgresql: [`CREATE INDEX "ix_orders_code_ff" ON "orders" ("code") WITH (FillFactor = 70, deduplicate_items = false, note = 'it''s') WHERE code IS NOT NULL`],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex concurrently (MySQL: in place, no lock; SQLite: refused)',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_code_cc', columns: ['code'], unique: true, concurrently: true },
    expected: {
      postgresql: ['CREATE UNIQUE INDEX CONCURRENTLY "ix_orders_code_cc" ON "orders" ("code")'],
      mysql: ['CREATE UNIQUE INDEX `ix_orders_code_cc` ON `orders` (`code`) ALGORITHM=INPLACE LOCK=NONE'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex over an INVALID index of the same name: dropped first (PostgreSQL)',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'], concurrently: true },
    table: { ...ORDERS, indexes: [{ name: 'ix_orders_user', parts: [{ column: 'user_id' }], unique: false, valid: false }] },
    expected: {
      postgresql: ['DROP INDEX CONCURRENTLY "ix_orders_user"', 'CREATE INDEX CONCURRENTLY "ix_orders_user" ON "orders" ("user_id")'],
      mysql: ['CREATE INDEX `ix_orders_user` ON `orders` (`user_id`) ALGORITHM=INPLACE LOCK=NONE'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createIndex in a transaction over an INVALID index: plain drop first',
    op: { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'] },
    table: { ...ORDERS, indexes: [{ name: 'ix_orders_user', parts: [{ column: 'user_id' }], unique: false, valid: false }] },
    expected: {
      postgresql: ['DROP INDEX "ix_orders_user"', 'CREATE INDEX "ix_orders_user" ON "orders" ("user_id")'],
      mysql: ['CREATE INDEX `ix_orders_user` ON `orders` (`user_id`)'],
      sqlite: ['CREATE INDEX "ix_orders_user" ON "orders" ("user_id")'],
    },
  },
  {
    name: 'addColumn concurrently (MySQL: in place, no lock; PostgreSQL: as usual; SQLite: refused)',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'note', type: 'varchar(20)' }, concurrently: true },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD COLUMN "note" varchar(20)'],
      mysql: ['ALTER TABLE `orders` ADD COLUMN `note` varchar(20), ALGORITHM=INPLACE, LOCK=NONE'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'addColumn concurrently that rewrites the table: refused on PostgreSQL',
    op: { kind: 'addColumn', table: 'orders', column: { name: 'token', type: 'uuid', default: 'gen_random_uuid()' }, concurrently: true },
    table: ORDERS,
    expected: { postgresql: 'unsupported', mysql: ['ALTER TABLE `orders` ADD COLUMN `token` uuid DEFAULT (gen_random_uuid()), ALGORITHM=INPLACE, LOCK=NONE'], sqlite: 'unsupported' },
  },
  {
    name: 'dropIndex concurrently',
    op: { kind: 'dropIndex', table: 'orders', name: 'ix_orders_user', concurrently: true },
    expected: {
      postgresql: ['DROP INDEX CONCURRENTLY "ix_orders_user"'],
      mysql: ['ALTER TABLE `orders` DROP INDEX `ix_orders_user`, ALGORITHM=INPLACE, LOCK=NONE'],
      sqlite: 'unsupported',
    },
  },
  {
    name: 'dropIndex',
    op: { kind: 'dropIndex', table: 'orders', name: 'ix_orders_user' },
    expected: {
      postgresql: ['DROP INDEX "ix_orders_user"'],
      mysql: ['DROP INDEX `ix_orders_user` ON `orders`'],
      sqlite: ['DROP INDEX "ix_orders_user"'],
    },
  },
  {
    name: 'createForeignKey with actions',
    op: {
      kind: 'createForeignKey',
      table: 'orders',
      foreignKey: { name: 'fk_orders_reviewer', columns: ['total'], referencedTable: 'users', referencedColumns: ['id'], onDelete: 'set null', onUpdate: 'cascade' },
    },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_reviewer" FOREIGN KEY ("total") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE CASCADE'],
      mysql: ['ALTER TABLE `orders` ADD CONSTRAINT `fk_orders_reviewer` FOREIGN KEY (`total`) REFERENCES `users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE'],
      sqlite: recreateOrders({
        lines: [...COLUMN_LINES, ...CONSTRAINT_LINES, 'CONSTRAINT "fk_orders_reviewer" FOREIGN KEY ("total") REFERENCES "users" ("id") ON DELETE SET NULL ON UPDATE CASCADE'],
      }),
    },
  },
  {
    name: 'dropForeignKey',
    op: { kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_user' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "fk_orders_user"'],
      mysql: ['ALTER TABLE `orders` DROP FOREIGN KEY `fk_orders_user`'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, L.unique, L.check] }),
    },
  },
  {
    name: 'createUniqueConstraint',
    op: { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'uq_orders_user_code', columns: ['user_id', 'code'] } },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "uq_orders_user_code" UNIQUE ("user_id", "code")'],
      mysql: ['ALTER TABLE `orders` ADD CONSTRAINT `uq_orders_user_code` UNIQUE (`user_id`, `code`)'],
      sqlite: recreateOrders({
        lines: [...COLUMN_LINES, L.pk, L.unique, 'CONSTRAINT "uq_orders_user_code" UNIQUE ("user_id", "code")', L.check, L.fk],
      }),
    },
  },
  {
    name: 'dropUniqueConstraint (a MySQL unique is an index)',
    op: { kind: 'dropUniqueConstraint', table: 'orders', name: 'uq_orders_code' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "uq_orders_code"'],
      mysql: ['ALTER TABLE `orders` DROP INDEX `uq_orders_code`'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, L.check, L.fk] }),
    },
  },
  {
    name: 'createCheckConstraint',
    op: { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_status', expression: "status IN ('new', 'done')" } },
    table: ORDERS,
    expected: {
      postgresql: [`ALTER TABLE "orders" ADD CONSTRAINT "ck_orders_status" CHECK (status IN ('new', 'done'))`],
      mysql: ["ALTER TABLE `orders` ADD CONSTRAINT `ck_orders_status` CHECK (status IN ('new', 'done'))"],
      sqlite: recreateOrders({
        lines: [...COLUMN_LINES, L.pk, L.unique, L.check, `CONSTRAINT "ck_orders_status" CHECK (status IN ('new', 'done'))`, L.fk],
      }),
    },
  },
  {
    name: 'createCheckConstraint NOT VALID (PostgreSQL only)',
    op: { kind: 'createCheckConstraint', table: 'orders', constraint: { name: 'ck_orders_code', expression: 'code IS NOT NULL' }, notValid: true },
    table: ORDERS,
    expected: { postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "ck_orders_code" CHECK (code IS NOT NULL) NOT VALID'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createForeignKey NOT VALID (PostgreSQL only)',
    op: { kind: 'createForeignKey', table: 'orders', foreignKey: { name: 'fk_orders_total', columns: ['total'], referencedTable: 'users', referencedColumns: ['id'] }, notValid: true },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "fk_orders_total" FOREIGN KEY ("total") REFERENCES "users" ("id") NOT VALID'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createUniqueConstraint USING INDEX (PostgreSQL only)',
    op: { kind: 'createUniqueConstraint', table: 'orders', constraint: { name: 'uq_orders_comment', columns: ['comment'] }, usingIndex: 'ux_orders_comment' },
    table: ORDERS,
    expected: { postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "uq_orders_comment" UNIQUE USING INDEX "ux_orders_comment"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'validateConstraint (PostgreSQL only)',
    op: { kind: 'validateConstraint', table: 'orders', name: 'fk_orders_user' },
    table: ORDERS,
    expected: { postgresql: ['ALTER TABLE "orders" VALIDATE CONSTRAINT "fk_orders_user"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropCheckConstraint',
    op: { kind: 'dropCheckConstraint', table: 'orders', name: 'ck_orders_total' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "ck_orders_total"'],
      mysql: ['ALTER TABLE `orders` DROP CONSTRAINT `ck_orders_total`'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, L.unique, L.fk] }),
    },
  },
  {
    name: 'renameIndex (SQLite has no rename: drop and create)',
    op: { kind: 'renameIndex', table: 'orders', name: 'ix_orders_status', to: 'ix_orders_state' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER INDEX "ix_orders_status" RENAME TO "ix_orders_state"'],
      mysql: ['ALTER TABLE `orders` RENAME INDEX `ix_orders_status` TO `ix_orders_state`'],
      sqlite: ['DROP INDEX "ix_orders_status"', 'CREATE INDEX "ix_orders_state" ON "orders" ((lower(status))) WHERE total > 0'],
    },
  },
  {
    name: 'renameConstraint of a foreign key (MySQL: drop and add; SQLite: recreate)',
    op: { kind: 'renameConstraint', table: 'orders', name: 'fk_orders_user', to: 'fk_orders_owner' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" RENAME CONSTRAINT "fk_orders_user" TO "fk_orders_owner"'],
      mysql: [
        'ALTER TABLE `orders` DROP FOREIGN KEY `fk_orders_user`',
        'ALTER TABLE `orders` ADD CONSTRAINT `fk_orders_owner` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE ON UPDATE NO ACTION',
      ],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, L.unique, L.check, L.fk.replace('fk_orders_user', 'fk_orders_owner')] }),
    },
  },
  {
    name: 'renameConstraint of a unique constraint (MySQL: its index, in place)',
    op: { kind: 'renameConstraint', table: 'orders', name: 'uq_orders_code', to: 'orders_code_unique' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" RENAME CONSTRAINT "uq_orders_code" TO "orders_code_unique"'],
      mysql: ['ALTER TABLE `orders` RENAME INDEX `uq_orders_code` TO `orders_code_unique`'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, 'CONSTRAINT "orders_code_unique" UNIQUE ("code")', L.check, L.fk] }),
    },
  },
  {
    name: 'renameConstraint of a check (MySQL: drop and add)',
    op: { kind: 'renameConstraint', table: 'orders', name: 'ck_orders_total', to: 'orders_total_check' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" RENAME CONSTRAINT "ck_orders_total" TO "orders_total_check"'],
      mysql: ['ALTER TABLE `orders` DROP CONSTRAINT `ck_orders_total`', 'ALTER TABLE `orders` ADD CONSTRAINT `orders_total_check` CHECK (total >= 0)'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.pk, L.unique, 'CONSTRAINT "orders_total_check" CHECK (total >= 0)', L.fk] }),
    },
  },
  {
    name: 'createPrimaryKey, named',
    op: { kind: 'createPrimaryKey', table: 'orders', primaryKey: { name: 'pk_orders', columns: ['id', 'code'] } },
    table: { ...ORDERS, primaryKey: undefined },
    expected: {
      postgresql: ['ALTER TABLE "orders" ADD CONSTRAINT "pk_orders" PRIMARY KEY ("id", "code")'],
      mysql: ['ALTER TABLE `orders` ADD PRIMARY KEY (`id`, `code`)'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, 'CONSTRAINT "pk_orders" PRIMARY KEY ("id", "code")', L.unique, L.check, L.fk] }),
    },
  },
  {
    name: 'dropPrimaryKey without a name (PostgreSQL: <table>_pkey)',
    op: { kind: 'dropPrimaryKey', table: 'orders' },
    table: ORDERS,
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey"'],
      mysql: ['ALTER TABLE `orders` DROP PRIMARY KEY'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.unique, L.check, L.fk] }),
    },
  },
  {
    name: "dropPrimaryKey named by the table's model",
    op: { kind: 'dropPrimaryKey', table: 'orders' },
    table: { ...ORDERS, primaryKey: { name: 'orders_id_key', columns: ['id'] } },
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "orders_id_key"'],
      mysql: ['ALTER TABLE `orders` DROP PRIMARY KEY'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.unique, L.check, L.fk] }),
    },
  },
  {
    name: 'dropPrimaryKey named by the op',
    op: { kind: 'dropPrimaryKey', table: 'orders', name: 'pk_orders' },
    table: { ...ORDERS, primaryKey: { name: 'orders_id_key', columns: ['id'] } },
    expected: {
      postgresql: ['ALTER TABLE "orders" DROP CONSTRAINT "pk_orders"'],
      mysql: ['ALTER TABLE `orders` DROP PRIMARY KEY'],
      sqlite: recreateOrders({ lines: [...COLUMN_LINES, L.unique, L.check, L.fk] }),
    },
  },
  {
    name: 'createEnum (labels are string literals)',
    op: { kind: 'createEnum', name: 'order_status', values: ['new', "it's done"] },
    expected: { postgresql: [`CREATE TYPE "order_status" AS ENUM ('new', 'it''s done')`], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'addEnumValue at the end',
    op: { kind: 'addEnumValue', name: 'order_status', value: 'paid' },
    expected: { postgresql: [`ALTER TYPE "order_status" ADD VALUE 'paid'`], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'addEnumValue before another',
    op: { kind: 'addEnumValue', name: 'order_status', value: 'paid', before: 'done' },
    expected: { postgresql: [`ALTER TYPE "order_status" ADD VALUE 'paid' BEFORE 'done'`], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'addEnumValue after another',
    op: { kind: 'addEnumValue', name: 'order_status', value: 'paid', after: 'new' },
    expected: { postgresql: [`ALTER TYPE "order_status" ADD VALUE 'paid' AFTER 'new'`], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'addEnumValue both before and after',
    op: { kind: 'addEnumValue', name: 'order_status', value: 'paid', before: 'done', after: 'new' },
    expected: { postgresql: 'unsupported', mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'renameEnumValue',
    op: { kind: 'renameEnumValue', name: 'order_status', value: 'new', to: 'open' },
    expected: { postgresql: [`ALTER TYPE "order_status" RENAME VALUE 'new' TO 'open'`], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropEnum',
    op: { kind: 'dropEnum', name: 'order_status' },
    expected: { postgresql: ['DROP TYPE "order_status"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'enableRowLevelSecurity',
    op: { kind: 'enableRowLevelSecurity', table: 'orders' },
    expected: { postgresql: ['ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'enableRowLevelSecurity with force',
    op: { kind: 'enableRowLevelSecurity', table: 'orders', force: true },
    expected: {
      postgresql: ['ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY', 'ALTER TABLE "orders" FORCE ROW LEVEL SECURITY'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'disableRowLevelSecurity with force: false',
    op: { kind: 'disableRowLevelSecurity', table: 'orders', force: false },
    expected: {
      postgresql: ['ALTER TABLE "orders" DISABLE ROW LEVEL SECURITY', 'ALTER TABLE "orders" NO FORCE ROW LEVEL SECURITY'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createPolicy with the defaults stated: permissive, for all, to public',
    op: { kind: 'createPolicy', table: 'orders', policy: { name: 'p_orders_all', using: 'true' } },
    expected: {
      postgresql: ['CREATE POLICY "p_orders_all" ON "orders" AS PERMISSIVE FOR ALL TO public USING (true)'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createPolicy restrictive, for update, to roles and keywords, with both expressions',
    op: {
      kind: 'createPolicy',
      table: 'orders',
      policy: {
        name: 'p_orders_own',
        permissive: false,
        command: 'update',
        roles: ['app"user', 'current_user'],
        using: "user_id = current_setting('app.user_id')::integer",
        withCheck: "status <> 'done'",
      },
    },
    expected: {
      postgresql: [
        `CREATE POLICY "p_orders_own" ON "orders" AS RESTRICTIVE FOR UPDATE TO "app""user", current_user USING (user_id = current_setting('app.user_id')::integer) WITH CHECK (status <> 'done')`,
      ],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'dropPolicy',
    op: { kind: 'dropPolicy', table: 'orders', name: 'p_orders_own' },
    expected: { postgresql: ['DROP POLICY "p_orders_own" ON "orders"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'alterPolicy sets roles and expressions',
    op: { kind: 'alterPolicy', table: 'orders', name: 'p_orders_own', roles: ['public'], using: 'true', withCheck: 'total > 0' },
    expected: {
      postgresql: ['ALTER POLICY "p_orders_own" ON "orders" TO public USING (true) WITH CHECK (total > 0)'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'alterPolicy that changes nothing',
    op: { kind: 'alterPolicy', table: 'orders', name: 'p_orders_own' },
    expected: { postgresql: 'unsupported', mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createRole states every option',
    op: { kind: 'createRole', name: 'app_admin', createDb: true, inherit: false },
    expected: { postgresql: ['CREATE ROLE "app_admin" WITH CREATEDB NOCREATEROLE NOINHERIT'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropRole',
    op: { kind: 'dropRole', name: 'app_admin' },
    expected: { postgresql: ['DROP ROLE "app_admin"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createSequence states only the options given',
    op: { kind: 'createSequence', name: 'invoice_numbers', start: '1000', increment: '5', cycle: true },
    expected: { postgresql: ['CREATE SEQUENCE "invoice_numbers" START WITH 1000 INCREMENT BY 5 CYCLE'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'alterSequence states every option, the defaults too',
    op: { kind: 'alterSequence', name: 'invoice_numbers', increment: '10', maxValue: '99999' },
    expected: {
      postgresql: ['ALTER SEQUENCE "invoice_numbers" START WITH 1 INCREMENT BY 10 NO MINVALUE MAXVALUE 99999 CACHE 1 NO CYCLE'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'dropSequence',
    op: { kind: 'dropSequence', name: 'invoice_numbers' },
    expected: { postgresql: ['DROP SEQUENCE "invoice_numbers"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'createView renders the query as written, without a trailing semicolon',
    op: { kind: 'createView', name: 'active_clients', definition: 'select "id", "name" from "clients" where "clients"."active" = true;' },
    expected: {
      postgresql: ['CREATE VIEW "active_clients" AS select "id", "name" from "clients" where "clients"."active" = true'],
      mysql: 'unsupported',
      sqlite: 'unsupported',
    },
  },
  {
    name: 'createView materialized',
    op: { kind: 'createView', name: 'client_counts', definition: 'select count(*) as n from clients', materialized: true },
    expected: { postgresql: ['CREATE MATERIALIZED VIEW "client_counts" AS select count(*) as n from clients'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'dropView materialized',
    op: { kind: 'dropView', name: 'client_counts', materialized: true, definition: 'select count(*) as n from clients' },
    expected: { postgresql: ['DROP MATERIALIZED VIEW "client_counts"'], mysql: 'unsupported', sqlite: 'unsupported' },
  },
  {
    name: 'execute renders its SQL as written',
    op: { kind: 'execute', sql: 'UPDATE orders SET status = ? WHERE id = ?', params: ['done', 1] },
    expected: {
      postgresql: ['UPDATE orders SET status = ? WHERE id = ?'],
      mysql: ['UPDATE orders SET status = ? WHERE id = ?'],
      sqlite: ['UPDATE orders SET status = ? WHERE id = ?'],
    },
  },
  ...SCHEMA_CASES,
];

function contextOf(testCase: Case): RenderContext {
  return { schema: testCase.schema ?? emptySchema(), ...(testCase.table === undefined ? {} : { table: testCase.table }) };
}

describe('renderers', () => {
  it('cover every op kind', () => {
    const covered = new Set(CASES.map((testCase) => testCase.op.kind));
    expect(OP_KINDS.filter((kind) => !covered.has(kind))).toEqual([]);
  });

  describe.each(CASES)('$name', (testCase) => {
    it.each(DIALECT_NAMES)('%s', (dialect) => {
      const expected = testCase.expected[dialect];
      const render = (): string[] => RENDERERS[dialect].render(testCase.op, contextOf(testCase));
      if (expected !== 'unsupported') {
        expect(render()).toEqual(expected);
        return;
      }
      let thrown: unknown;
      try {
        render();
      } catch (error) {
        thrown = error;
      }
      // 'unsupported' means: a clear StrataError naming the dialect and the op, never a silent skip.
      expect(thrown).toBeInstanceOf(Error);
      const error = thrown as UnsupportedOperationError;
      expect(['DIALECT_UNSUPPORTED_OPERATION', 'DIALECT_RECREATE_NEEDS_TABLE']).toContain(error.code);
      expect(error.details).toMatchObject({ dialect, kind: testCase.op.kind });
      expect(error.hint).toBeTruthy();
    });
  });
});

describe('rendering errors', () => {
  it('UnsupportedOperationError names the op, the dialect and what to do instead', () => {
    const error = (() => {
      try {
        RENDERERS.mysql.render({ kind: 'createEnum', name: 'mood', values: ['ok'] }, { schema: emptySchema() });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnsupportedOperationError);
    expect((error as UnsupportedOperationError).message).toBe('MySQL/MariaDB cannot run createEnum: it has no enum types.');
    expect((error as UnsupportedOperationError).hint).toContain("enum('a','b')");
  });

  it('MySQL refuses a name over 64 characters before the server does, with one that fits (issue 8, defect 6)', () => {
    const name = `orders_${'customer_reference_'.repeat(4)}idx`;
    const op: Op = { kind: 'createIndex', table: 'orders', name, columns: ['code'] };
    expect(() => RENDERERS.mysql.render(op, { schema: emptySchema() })).toThrow(IdentifierTooLongError);
    try {
      RENDERERS.mysql.render(op, { schema: emptySchema() });
    } catch (error) {
      expect((error as IdentifierTooLongError).message).toBe(`MySQL/MariaDB allows identifiers of at most 64 characters; "${name}" is longer, and the server would refuse the statement.`);
      expect((error as IdentifierTooLongError).hint).toContain(`"${shortenIdentifier(name, { max: 64, unit: 'characters', overflow: 'refuse' })}"`);
    }
    // PostgreSQL truncates such names itself, SQLite has no limit to speak of.
    expect(RENDERERS.postgresql.render(op, { schema: emptySchema() })).toHaveLength(1);
    expect(RENDERERS.sqlite.render(op, { schema: emptySchema() })).toHaveLength(1);
  });

  it('SQLite refuses a recreate without the table, with DIALECT_RECREATE_NEEDS_TABLE', () => {
    expect(() => RENDERERS.sqlite.render({ kind: 'dropForeignKey', table: 'orders', name: 'fk' }, { schema: emptySchema() })).toThrow(
      RecreateNeedsTableError,
    );
  });

  it('MySQL refuses an alterColumn when the column as it is is unknown', () => {
    const op: Op = { kind: 'alterColumn', table: 'orders', column: 'status', nullable: false };
    expect(() => RENDERERS.mysql.render(op, { schema: emptySchema() })).toThrow(ExistingColumnUnknownError);
    expect(() => RENDERERS.mysql.render(op, { schema: emptySchema(), table: USERS })).toThrow(ExistingColumnUnknownError);
  });

  it('a SQLite recreate refuses to drop a constraint the table does not have', () => {
    expect(() => RENDERERS.sqlite.render({ kind: 'dropForeignKey', table: 'orders', name: 'nope' }, { schema: emptySchema(), table: ORDERS })).toThrow(
      RecreateTargetMissingError,
    );
    expect(() =>
      RENDERERS.sqlite.render({ kind: 'createPrimaryKey', table: 'orders', primaryKey: { columns: ['code'] } }, { schema: emptySchema(), table: ORDERS }),
    ).toThrow(UnsupportedOperationError);
  });
});

describe('needsRecreate', () => {
  it.each<[string, Op, TableModel | undefined, boolean]>([
    ['renameColumn', { kind: 'renameColumn', table: 'orders', column: 'code', to: 'ref' }, ORDERS, false],
    ['addColumn, nullable', { kind: 'addColumn', table: 'orders', column: { name: 'x', type: 'text' } }, undefined, false],
    ['addColumn, NOT NULL without default', { kind: 'addColumn', table: 'orders', column: { name: 'x', type: 'text', nullable: false } }, undefined, true],
    ['addColumn, expression default', { kind: 'addColumn', table: 'orders', column: { name: 'x', type: 'text', default: "lower('A')" } }, undefined, true],
    ['addColumn, CURRENT_TIMESTAMP default', { kind: 'addColumn', table: 'orders', column: { name: 'x', type: 'text', default: 'CURRENT_TIMESTAMP' } }, undefined, true],
    [
      'addColumn, stored generated',
      { kind: 'addColumn', table: 'orders', column: { name: 'x', type: 'integer', generated: { expression: 'total + 1', stored: true } } },
      undefined,
      true,
    ],
    ['dropColumn, unreferenced', { kind: 'dropColumn', table: 'orders', column: 'comment' }, ORDERS, false],
    ['dropColumn, in a check', { kind: 'dropColumn', table: 'orders', column: 'total' }, ORDERS, true],
    ['dropColumn, in an expression index', { kind: 'dropColumn', table: 'orders', column: 'status' }, ORDERS, true],
    ['dropColumn, in a foreign key', { kind: 'dropColumn', table: 'orders', column: 'user_id' }, ORDERS, true],
    ['dropColumn, in a unique', { kind: 'dropColumn', table: 'orders', column: 'code' }, ORDERS, true],
    ['dropColumn, in the primary key', { kind: 'dropColumn', table: 'orders', column: 'id' }, ORDERS, true],
    ['dropColumn, table unknown', { kind: 'dropColumn', table: 'orders', column: 'id' }, undefined, false],
    ['alterColumn', { kind: 'alterColumn', table: 'orders', column: 'total', nullable: false }, undefined, true],
    ['dropPrimaryKey', { kind: 'dropPrimaryKey', table: 'orders' }, undefined, true],
    ['createIndex', { kind: 'createIndex', table: 'orders', name: 'i', columns: ['code'] }, undefined, false],
  ])('%s', (_name, op, table, expected) => {
    expect(needsRecreate(op, table)).toBe(expected);
  });
});

// ---- a recreate on a real SQLite database ----------------------------------------------------

/** Creates users, orders and order_items from their models through the SQLite renderer, with rows. */
function seededDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  const schema: SchemaModel = { tables: new Map(), enums: new Map() };
  for (const table of [USERS, ORDERS, ORDER_ITEMS]) {
    const statements = RENDERERS.sqlite.render(
      {
        kind: 'createTable',
        table: table.name,
        columns: table.columns,
        ...(table.primaryKey === undefined ? {} : { primaryKey: table.primaryKey }),
        uniqueConstraints: table.uniqueConstraints,
        checkConstraints: table.checkConstraints,
        foreignKeys: table.foreignKeys,
      },
      { schema },
    );
    for (const index of table.indexes) {
      statements.push(
        ...RENDERERS.sqlite.render(
          {
            kind: 'createIndex',
            table: table.name,
            name: index.name,
            columns: index.parts.map((part) => ('column' in part ? part.column : { expression: part.expression })),
            ...(index.where === undefined ? {} : { where: index.where }),
          },
          { schema },
        ),
      );
    }
    for (const statement of statements) db.exec(statement);
  }
  db.exec(`INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x')`);
  db.exec('DELETE FROM users WHERE id = 3');
  db.exec(`INSERT INTO orders (id, user_id, code, status, total, comment) VALUES
    (1, 1, 'A-1', 'new', 10, NULL), (2, 1, 'A-2', 'done', 0, 'gift'), (3, 2, 'B-1', 'new', NULL, NULL)`);
  db.exec('INSERT INTO order_items (id, order_id) VALUES (1, 1), (2, 1), (3, 3)');
  return db;
}

/** Runs a recreate the way the runner does: foreign keys off outside the transaction, checked before commit. */
function runRecreate(db: Database.Database, statements: readonly string[]): void {
  db.pragma('foreign_keys = OFF');
  db.exec('BEGIN');
  for (const statement of statements) db.exec(statement);
  expect(db.prepare('SELECT * FROM pragma_foreign_key_check').all()).toEqual([]);
  db.exec('COMMIT');
  db.pragma('foreign_keys = ON');
}

interface Snapshot {
  readonly rows: unknown[];
  readonly indexes: unknown[];
  readonly foreignKeys: unknown[];
  readonly incoming: unknown[];
}

function snapshot(db: Database.Database, table: string): Snapshot {
  return {
    rows: db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).all(),
    indexes: db.prepare(`SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name`).all(table),
    foreignKeys: db.prepare('SELECT "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id').all(table),
    incoming: db.prepare('SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)').all('order_items'),
  };
}

function tableSql(db: Database.Database, table: string): string {
  return (db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { sql: string }).sql;
}

describe('SQLite recreate on a real database', () => {
  const render = (op: Op, table: TableModel): string[] => RENDERERS.sqlite.render(op, { schema: emptySchema(), table });

  it('an alterColumn type change keeps every row, index, foreign key (both ways) and check', () => {
    const db = seededDatabase();
    const before = snapshot(db, 'orders');
    expect(before.indexes).toHaveLength(3); // two indexes + the unique's autoindex

    runRecreate(db, render({ kind: 'alterColumn', table: 'orders', column: 'total', type: 'real' }, ORDERS));

    expect(snapshot(db, 'orders')).toEqual(before);
    expect(db.prepare('SELECT type FROM pragma_table_info(?) WHERE name = ?').get('orders', 'total')).toEqual({ type: 'REAL' });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '_strata_new_%'").all()).toEqual([]);
    expect(tableSql(db, 'orders')).toContain('CONSTRAINT "ck_orders_total" CHECK (total >= 0)');
    // The check, the unique, the foreign keys and the partial index still bite.
    expect(() => db.exec(`INSERT INTO orders (id, user_id, code, total) VALUES (9, 1, 'Z', -1)`)).toThrow(/CHECK constraint failed/);
    expect(() => db.exec(`INSERT INTO orders (id, user_id, code) VALUES (9, 1, 'A-1')`)).toThrow(/UNIQUE constraint failed/);
    expect(() => db.exec(`INSERT INTO orders (id, user_id, code) VALUES (9, 42, 'Z')`)).toThrow(/FOREIGN KEY constraint failed/);
    expect(() => db.exec('INSERT INTO order_items (id, order_id) VALUES (9, 42)')).toThrow(/FOREIGN KEY constraint failed/);
    db.exec('DELETE FROM orders WHERE id = 1');
    expect(db.prepare('SELECT id FROM order_items ORDER BY id').all()).toEqual([{ id: 3 }]);
    db.close();
  });

  it('a dropForeignKey keeps rows, indexes, the check and the incoming foreign key, and only loses that key', () => {
    const db = seededDatabase();
    const before = snapshot(db, 'orders');

    runRecreate(db, render({ kind: 'dropForeignKey', table: 'orders', name: 'fk_orders_user' }, ORDERS));

    const after = snapshot(db, 'orders');
    expect(after).toEqual({ ...before, foreignKeys: [] });
    expect(tableSql(db, 'orders')).toContain('CHECK (total >= 0)');
    db.exec(`INSERT INTO orders (id, user_id, code) VALUES (9, 42, 'Z')`);
    db.close();
  });

  it('an alterColumn with USING converts while copying; a NOT NULL addColumn is not read from the old table', () => {
    const db = seededDatabase();
    runRecreate(db, render({ kind: 'alterColumn', table: 'orders', column: 'total', type: 'integer', using: 'coalesce(total, 0) * 100' }, ORDERS));
    expect(db.prepare('SELECT id, total FROM orders ORDER BY id').all()).toEqual([
      { id: 1, total: 1000 },
      { id: 2, total: 0 },
      { id: 3, total: 0 },
    ]);
    const withDefault = render({ kind: 'addColumn', table: 'orders', column: { name: 'seen_at', type: 'text', nullable: false, default: "datetime('now')" } }, ORDERS);
    runRecreate(db, withDefault);
    expect(db.prepare('SELECT count(*) AS n FROM orders WHERE seen_at IS NOT NULL').get()).toEqual({ n: 3 });
    db.close();
  });

  it('a recreate of an AUTOINCREMENT table keeps its sequence: freed ids are not reused', () => {
    const db = seededDatabase();
    runRecreate(db, render({ kind: 'alterColumn', table: 'users', column: 'email', default: "''" }, USERS));
    expect(tableSql(db, 'users')).toContain('"id" integer NOT NULL PRIMARY KEY AUTOINCREMENT');
    db.exec(`INSERT INTO users (email) VALUES ('d@x')`);
    expect(db.prepare('SELECT id FROM users ORDER BY id').all()).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    expect(db.prepare('SELECT name, seq FROM sqlite_sequence').all()).toEqual([{ name: 'users', seq: 4 }]);
    db.close();
  });

  it('a dropColumn of an indexed column drops its index and check with it, keeping the rest', () => {
    const db = seededDatabase();
    runRecreate(db, render({ kind: 'dropColumn', table: 'orders', column: 'total' }, ORDERS));
    expect(db.prepare('SELECT name FROM pragma_index_list(?) ORDER BY name').all('orders')).toEqual([
      { name: 'ix_orders_user' },
      { name: 'sqlite_autoindex_orders_1' },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 3 });
    expect(tableSql(db, 'orders')).not.toContain('CHECK');
    db.close();
  });
});
