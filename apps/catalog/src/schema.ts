import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * Products for sale, with a check on the price. Plain types and a plain index, so that the same
 * revisions run on SQLite, PostgreSQL and MySQL (`STRATA_DATABASE_URL`); partial indexes exist only on
 * PostgreSQL and SQLite.
 */
export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sku: text('sku').notNull().unique(),
    title: text('title').notNull(),
    price: real('price').notNull(),
    active: integer('active').notNull().default(1),
  },
  (t) => [check('products_price_positive', sql`${t.price} > 0`), index('products_active_price_idx').on(t.active, t.price)],
);
