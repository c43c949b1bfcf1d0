import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { withConnection, type Connection } from '../../src/dialects/connection.js';
import type { GuardDifference } from '../../src/inspect/inspector.js';
import { liveSchemaSource, SchemaInspector } from '../../src/inspect/schema-inspector.js';
import { applyToModel } from '../../src/ops/apply-to-model.js';
import type { Op } from '../../src/ops/op.js';
import { emptySchema, type SchemaModel, type TableModel } from '../../src/schema/model.js';
import { comparableTable } from '../../src/schema/stated.js';
import { createTestDatabase, ALL_TARGETS, describeDialects, testDatabases, type TestDatabase } from '../support/databases.js';

/**
 * Row-level security, policies and roles on a real server: rendered, executed, read back equal to
 * the model the same ops replay into, and answered by the live inspector's guards.
 *
 * Roles are cluster-wide: this file's role has a name unique to the run (pid and random bytes) and
 * is dropped in `afterAll`, after the database whose policies name it, so parallel runs never meet.
 */

await describeDialects('row-level security', (ctx) => {
  if (ctx.name !== 'postgresql') {
    it('has no row-level security: the ops are refused, not skipped', () => {
      expect(() => ctx.dialect.renderer.render({ kind: 'enableRowLevelSecurity', table: 't' }, { schema: emptySchema() })).toThrow(
        expect.objectContaining({ code: 'DIALECT_UNSUPPORTED_OPERATION' }),
      );
    });
    return;
  }

  const role = `strata_r_${process.pid}_${randomBytes(3).toString('hex')}`;
  const serverUrl = testDatabases().find((target) => target.dialect === 'postgresql')?.serverUrl as string;
  const ops: Op[] = [
    { kind: 'createRole', name: role, createRole: true, inherit: false },
    { kind: 'createTable', table: 'notes', columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'owner_id', type: 'text', nullable: false }, { name: 'body', type: 'text' }] },
    { kind: 'enableRowLevelSecurity', table: 'notes', force: true },
    { kind: 'createPolicy', table: 'notes', policy: { name: 'notes_read', command: 'select', roles: [role, 'pg_read_all_data'], using: "owner_id = current_setting('app.user_id')" } },
    { kind: 'createPolicy', table: 'notes', policy: { name: 'notes_write', permissive: false, command: 'update', using: 'true', withCheck: "body <> ''" } },
    { kind: 'createPolicy', table: 'notes', policy: { name: 'notes_owner', withCheck: 'owner_id = CURRENT_USER' } },
  ];
  let db: TestDatabase;
  let model: SchemaModel;

  beforeAll(async () => {
    db = await createTestDatabase('postgresql', 'rls');
    model = ops.reduce((current, op) => applyToModel(current, op, ctx.dialect.normalizer), emptySchema());
    await withConnection(ctx.dialect, db.url, async (connection) => {
      let current = emptySchema();
      for (const op of ops) {
        for (const sql of ctx.dialect.renderer.render(op, { schema: current })) await connection.query(sql);
        current = applyToModel(current, op, ctx.dialect.normalizer);
      }
    });
  });

  afterAll(async () => {
    await db?.drop();
    await withConnection(ctx.dialect, serverUrl, (connection) => connection.query(`DROP ROLE IF EXISTS ${ctx.dialect.quoteIdentifier(role)}`));
  });

  const read = <T>(fn: (connection: Connection) => Promise<T>): Promise<T> => withConnection(ctx.dialect, db.url, fn);

  it('reads the switches and the policies back exactly as the ops replay them into the model', async () => {
    const live = await read((connection) => ctx.dialect.readSchema(connection));
    expect(live.tables.get('notes')).toEqual(comparableTable(model.tables.get('notes') as TableModel));
    expect(live.tables.get('notes')?.rowLevelSecurity).toEqual({ enabled: true, forced: true });
    expect(live.tables.get('notes')?.policies?.map((p) => [p.name, p.command, p.permissive, p.roles])).toEqual([
      ['notes_owner', 'all', true, ['public']],
      ['notes_read', 'select', true, [role, 'pg_read_all_data'].sort()],
      ['notes_write', 'update', false, ['public']],
    ]);
    // Roles are the server's, not the schema's: a read schema holds none; they are read by name.
    expect(live.roles).toBeUndefined();
    const roles = await read(async (connection) => (await ctx.dialect.readRoles?.(connection, [role, 'strata_no_such_role'])) ?? new Map());
    expect([...roles.values()]).toEqual([...(model.roles?.values() ?? [])]);
  });

  it('answers the guards live: policies with their definition, row-level security, roles by name', async () => {
    await read(async (connection) => {
      const differences: GuardDifference[] = [];
      const inspect = new SchemaInspector(liveSchemaSource(ctx.dialect, connection), { normalizer: ctx.dialect.normalizer, onDifference: (d) => differences.push(d) });
      expect(await inspect.hasRowLevelSecurity('notes')).toBe(true);
      expect(await inspect.hasPolicy('notes', { name: 'notes_read', command: 'select', roles: ['pg_read_all_data', role], using: "owner_id = current_setting('app.user_id')" })).toBe(true);
      expect(differences).toEqual([]);
      expect(await inspect.hasPolicy('notes', { name: 'notes_owner', using: 'false' })).toBe(true);
      expect(differences.map((d) => d.object)).toEqual(['policy']);
      expect(await inspect.hasPolicy('notes', 'ghost')).toBe(false);
      expect(await inspect.hasRole(role, { createRole: true, inherit: false })).toBe(true);
      expect(await inspect.hasRole(`${role}_x`)).toBe(false);
      expect(differences).toHaveLength(1);
    });
  });

  it('alters, drops and switches off as the model says, and the role goes once no policy names it', async () => {
    const more: Op[] = [
      { kind: 'alterPolicy', table: 'notes', name: 'notes_read', roles: ['public'], using: 'true' },
      { kind: 'dropPolicy', table: 'notes', name: 'notes_write' },
      { kind: 'disableRowLevelSecurity', table: 'notes', force: false },
      { kind: 'dropRole', name: role },
    ];
    const expected = more.reduce((current, op) => applyToModel(current, op, ctx.dialect.normalizer), model);
    await read(async (connection) => {
      for (const op of more) for (const sql of ctx.dialect.renderer.render(op, { schema: model })) await connection.query(sql);
      expect((await ctx.dialect.readSchema(connection)).tables.get('notes')).toEqual(comparableTable(expected.tables.get('notes') as TableModel));
      expect(await ctx.dialect.readRoles?.(connection, [role])).toEqual(new Map());
    });
  });
}, ALL_TARGETS);
