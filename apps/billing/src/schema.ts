import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from '../../accounts/src/schema';

/**
 * Invoices belong to accounts' users: billing's stream depends on the accounts stream, so
 * `nx run billing:migrate` migrates accounts first. `users` is imported for the reference only: it
 * is not exported here, so billing's revisions never create it.
 */
export const invoices = sqliteTable(
  'invoices',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    amount: real('amount').notNull(),
    status: text('status').notNull().default('open'),
  },
  (t) => [index('invoices_user_idx').on(t.userId)],
);
