import { sql } from 'drizzle-orm';
import { check, index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/** Products for sale: a check on the price and a partial index over the active ones. */
export const products = sqliteTable(
  'products',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sku: text('sku').notNull().unique(),
    title: text('title').notNull(),
    price: real('price').notNull(),
    active: integer('active', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [check('products_price_positive', sql`${t.price} > 0`), index('products_active_title_idx').on(t.title).where(sql`${t.active} = 1`)],
);
