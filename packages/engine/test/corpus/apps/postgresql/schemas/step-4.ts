import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgPolicy, pgSchema, pgTable, serial, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

// audit: a new schema whose table references auth.users; nothing moves.
export const featureFlags = pgTable('feature_flags', {
  name: text('name').primaryKey(),
  enabled: boolean('enabled').notNull().default(false),
});

export const auth = pgSchema('auth');

export const users = auth.table(
  'users',
  {
    id: serial('id').primaryKey(),
    email: text('email').notNull(),
    displayName: text('display_name'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('users_email_key').on(t.email)],
);

export const sessions = auth.table(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: integer('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const billing = pgSchema('billing');

export const invoiceStatus = billing.enum('invoice_status', ['draft', 'open', 'paid', 'void']);
export const invoiceNumbers = billing.sequence('invoice_numbers', { startWith: 1000, increment: 1 });

export const invoices = billing.table(
  'invoices',
  {
    id: serial('id').primaryKey(),
    number: integer('number').notNull().default(sql`nextval('billing.invoice_numbers')`),
    userId: integer('user_id').notNull().references(() => users.id),
    status: invoiceStatus('status').notNull().default('draft'),
    amountCents: integer('amount_cents').notNull(),
    paidAt: timestamp('paid_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('invoices_number_idx').on(t.number),
    index('invoices_open_idx').on(t.userId).where(sql`${t.status} = 'open'`),
    check('invoices_amount_positive', sql`${t.amountCents} >= 0`),
    pgPolicy('invoices_owner', { for: 'select', using: sql`${t.userId} = current_setting('app.user_id')::integer` }),
  ],
).enableRLS();

export const reporting = pgSchema('reporting');

export const paidInvoices = reporting.view('paid_invoices').as((qb) =>
  qb.select({ id: invoices.id, userId: invoices.userId, amountCents: invoices.amountCents }).from(invoices).where(sql`${invoices.status} = 'paid'`),
);

export const audit = pgSchema('audit');

export const events = audit.table(
  'events',
  {
    id: serial('id').primaryKey(),
    userId: integer('user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('events_user_idx').on(t.userId)],
);
