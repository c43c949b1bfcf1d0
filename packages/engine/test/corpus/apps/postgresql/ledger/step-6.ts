import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, bigserial, check, index, integer, interval, pgTable, serial, smallint, text, timestamp, unique, uniqueIndex, uuid, varchar } from 'drizzle-orm/pg-core';

export const ledgers = pgTable('ledgers', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  publicId: uuid('public_id').notNull().defaultRandom().unique(),
  name: varchar('name', { length: 100 }).notNull(),
  kind: varchar('kind', { length: 20 }).notNull().default(sql`'general'::character varying`),
  retention: interval('retention').notNull().default('7 years'),
  closeGrace: interval('close_grace', { fields: 'day' }).notNull().default('5 days'),
});

export const accounts = pgTable(
  'accounts',
  {
    id: serial('id').primaryKey(),
    ledgerId: integer('ledger_id')
      .notNull()
      .references(() => ledgers.id),
    code: varchar('code', { length: 32 }).notNull(),
    name: text('name').notNull(),
    balanceMinor: bigint('balance_minor', { mode: 'number' }).notNull().default(0),
    currency: varchar('currency', { length: 3 }).notNull().default('EUR'),
  },
  (t) => [index('accounts_ledger_id_idx').on(t.ledgerId), uniqueIndex('accounts_ledger_code_idx').on(t.ledgerId, t.code)],
);

export const journalEntries = pgTable('journal_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  ledgerId: integer('ledger_id')
    .notNull()
    .references(() => ledgers.id),
  sequenceNo: bigint('sequence_no', { mode: 'number' }).generatedByDefaultAsIdentity({ startWith: 1000, increment: 10 }),
  description: text('description'),
  source: varchar('source', { length: 32 }).notNull().default(sql`'manual'::character varying`),
  reversalOf: bigint('reversal_of', { mode: 'number' }).references((): AnyPgColumn => journalEntries.id),
  postedAt: timestamp('posted_at', { withTimezone: true }).notNull().defaultNow(),
});

export const postings = pgTable(
  'postings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity({ startWith: 1, increment: 1, cache: 20 }),
    entryId: bigint('entry_id', { mode: 'number' })
      .notNull()
      .references(() => journalEntries.id, { onDelete: 'cascade' }),
    accountId: integer('account_id')
      .notNull()
      .references(() => accounts.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    check('postings_amount_non_zero', sql`${t.amountMinor} <> 0`),
    index('postings_entry_id_idx').on(t.entryId), index('postings_account_id_idx').on(t.accountId)],
);

export const periods = pgTable(
  'periods',
  {
    id: smallint('id').primaryKey().generatedByDefaultAsIdentity({ startWith: 1 }),
    ledgerId: integer('ledger_id')
      .notNull()
      .references(() => ledgers.id, { onDelete: 'cascade' }),
    label: varchar('label', { length: 16 }).notNull(),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
  },
  (t) => [unique('periods_ledger_label_unique').on(t.ledgerId, t.label)],
);
