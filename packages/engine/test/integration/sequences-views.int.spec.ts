import { afterAll, beforeAll, expect, it } from 'vitest';
import { withConnection, type Connection } from '../../src/dialects/connection.js';
import { liveSchemaSource, SchemaInspector } from '../../src/inspect/schema-inspector.js';
import { applyToModel } from '../../src/ops/apply-to-model.js';
import type { Op } from '../../src/ops/op.js';
import { reverseOp } from '../../src/ops/reverse.js';
import { emptySchema, type SchemaModel } from '../../src/schema/model.js';
import { comparableSchema } from '../../src/schema/stated.js';
import { createTestDatabase, ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';

/**
 * Standalone sequences, views and materialized views on a real server: rendered, executed, read back
 * equal (in comparison form) to the model the same ops replay into, answered by the live guards,
 * and undone by their reverse ops.
 */

await describeDialects('sequences and views', (ctx) => {
  if (ctx.name !== 'postgresql') {
    it('keeps no sequences or views: the ops are refused, not skipped', () => {
      for (const op of [
        { kind: 'createSequence', name: 's' },
        { kind: 'createView', name: 'v', definition: 'select 1' },
      ] satisfies Op[]) {
        expect(() => ctx.dialect.renderer.render(op, { schema: emptySchema() })).toThrow(expect.objectContaining({ code: 'DIALECT_UNSUPPORTED_OPERATION' }));
      }
    });
    return;
  }

  const ops: Op[] = [
    { kind: 'createTable', table: 'clients', columns: [{ name: 'id', type: 'serial', primaryKey: true }, { name: 'name', type: 'text', nullable: false }, { name: 'active', type: 'boolean', default: 'true' }, { name: 'code', type: 'integer', nullable: false, autoIncrement: true }] },
    { kind: 'createSequence', name: 'invoice_numbers', start: '1000', increment: '5' },
    { kind: 'createSequence', name: 'countdown', increment: '-1', cycle: true },
    { kind: 'createView', name: 'active_clients', definition: 'select "id", "name" from "clients" where "clients"."active" = true' },
    { kind: 'createView', name: 'a_names', definition: "SELECT name FROM active_clients WHERE name LIKE 'a%' AND id IN (1, 2, 3);" },
    { kind: 'createView', name: 'client_counts', definition: 'select count(*) as n, max(id) as top from clients', materialized: true },
  ];
  let db: TestDatabase;
  let model: SchemaModel;

  beforeAll(async () => {
    db = await createTestDatabase('postgresql', 'seqview');
    model = ops.reduce((current, op) => applyToModel(current, op, ctx.dialect.normalizer), emptySchema());
    await run(ops, emptySchema());
  });
  afterAll(async () => {
    await db?.drop();
  });

  const read = <T>(fn: (connection: Connection) => Promise<T>): Promise<T> => withConnection(ctx.dialect, db.url, fn);
  const run = async (list: readonly Op[], from: SchemaModel): Promise<SchemaModel> =>
    read(async (connection) => {
      let current = from;
      for (const op of list) {
        for (const sql of ctx.dialect.renderer.render(op, { schema: current })) await connection.query(sql);
        current = applyToModel(current, op, ctx.dialect.normalizer);
      }
      return current;
    });

  it('reads back the model the ops replay into; the sequences of serial and identity columns stay the columns\'', async () => {
    const live = await read((connection) => ctx.dialect.readSchema(connection));
    expect(comparableSchema(live)).toEqual(comparableSchema(model));
    expect([...(live.sequences?.keys() ?? [])]).toEqual(['countdown', 'invoice_numbers']);
    expect(live.sequences?.get('countdown')).toEqual({ name: 'countdown', increment: '-1', cycle: true });
    expect(live.views?.get('client_counts')?.materialized).toBe(true);
  });

  it('answers the guards live, a view\'s query compared as the model compares it', async () => {
    await read(async (connection) => {
      const inspect = new SchemaInspector(liveSchemaSource(ctx.dialect, connection), { normalizer: ctx.dialect.normalizer });
      expect(await inspect.hasSequence('invoice_numbers')).toBe(true);
      expect(await inspect.hasSequence('clients_id_seq')).toBe(false);
      expect(await inspect.hasView('client_counts')).toBe(true);
      expect(await inspect.hasViewAs('active_clients', 'SELECT id, name FROM clients WHERE active = true')).toBe(true);
      expect(await inspect.hasViewAs('active_clients', 'select id from clients')).toBe(false);
      expect(await inspect.hasView('clients')).toBe(false);
    });
  });

  it('alters a sequence in full and keeps its current value; the reverse ops give the schema back', async () => {
    await read((connection) => connection.query("SELECT nextval('invoice_numbers'), nextval('invoice_numbers')"));
    const more: Op[] = [
      { kind: 'alterSequence', name: 'invoice_numbers', increment: '10', maxValue: '99999' },
      { kind: 'dropView', name: 'a_names' },
      { kind: 'dropView', name: 'client_counts', materialized: true },
      { kind: 'dropSequence', name: 'countdown' },
    ];
    let current = model;
    const undo: Op[][] = [];
    for (const op of more) {
      undo.unshift(reverseOp(op, current));
      current = await run([op], current);
    }
    const live = await read((connection) => ctx.dialect.readSchema(connection));
    expect(comparableSchema(live)).toEqual(comparableSchema(current));
    expect(await read((connection) => connection.query("SELECT nextval('invoice_numbers') AS n"))).toEqual([{ n: '1015' }]);
    for (const ops of undo) current = await run(ops, current);
    const back = await read((connection) => ctx.dialect.readSchema(connection));
    expect(comparableSchema(back)).toEqual(comparableSchema(model));
  });
}, ALL_TARGETS);
