import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, varchar } from 'drizzle-orm/pg-core';

/**
 * Messages to users, by channel, and whether each was read: a PostgreSQL service (PGlite by default,
 * a server through `STRATA_DATABASE_URL`). The partial index serves "a user's unread, newest first".
 */
export const notifications = pgTable(
  'notifications',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    userId: integer('user_id').notNull(),
    channel: varchar('channel', { length: 16 }).notNull().default('email'),
    subject: varchar('subject', { length: 200 }).notNull(),
    body: text('body').notNull(),
    read: boolean('read').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('notifications_unread_idx').on(t.userId, t.createdAt).where(sql`${t.read} = false`)],
);
