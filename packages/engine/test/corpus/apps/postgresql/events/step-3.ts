import { type AnyPgColumn, boolean, date, doublePrecision, index, integer, pgTable, serial, smallint, text, time, timestamp, unique, varchar } from 'drizzle-orm/pg-core';

export const tenants = pgTable('tenants', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 100 }).notNull(),
  active: boolean('active').notNull().default(true),
  timezone: varchar('timezone', { length: 64 }).notNull().default('UTC'),
  retentionDays: smallint('retention_days').notNull().default(30),
});

export const actors = pgTable(
  'actors',
  {
    id: serial('id').primaryKey(),
    tenantId: integer('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    externalRef: varchar('external_ref', { length: 64 }),
    kind: varchar('kind', { length: 16 }).notNull().default('user'),
    managerId: integer('manager_id').references((): AnyPgColumn => actors.id, { onDelete: 'set null' }),
  },
  (t) => [unique('actors_tenant_external_ref_unique').on(t.tenantId, t.externalRef).nullsNotDistinct()],
);

export const events = pgTable(
  'events',
  {
    id: serial('id').primaryKey(),
    tenantId: integer('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    actorId: integer('actor_id').references(() => actors.id, { onDelete: 'set null' }),
    name: varchar('name', { length: 80 }).notNull(),
    severity: smallint('severity').notNull().default(0),
    durationMs: doublePrecision('duration_ms'),
    occurredAt: timestamp('occurred_at', { precision: 3, withTimezone: true }).notNull().defaultNow(),
    occurredOn: date('occurred_on').notNull().defaultNow(),
    localTime: time('local_time'),
    processed: boolean('processed').notNull().default(false),
    sampleRate: doublePrecision('sample_rate').notNull().default(1.0),
    payload: text('payload'),
  },
  (t) => [index('events_tenant_occurred_idx').on(t.tenantId, t.occurredAt), index('events_actor_id_idx').on(t.actorId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: serial('id').primaryKey(),
    tenantId: integer('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade', onUpdate: 'cascade' }),
    entity: varchar('entity', { length: 40 }).notNull(),
    entityId: varchar('entity_id', { length: 64 }).notNull(),
    version: integer('version').notNull().default(1),
    previousId: integer('previous_id').references((): AnyPgColumn => auditLog.id, { onDelete: 'set null', onUpdate: 'cascade' }),
    recordedAt: timestamp('recorded_at', { precision: 3 }).notNull().defaultNow(),
  },
  (t) => [unique('audit_log_entity_version_unique').on(t.tenantId, t.entity, t.entityId, t.version)],
);
