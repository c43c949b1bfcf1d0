import { expect, it, vi } from 'vitest';
import { downgrade, upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { chain, type Body } from '../support/runs.js';
import { snapshot } from '../support/streams.js';

// The guards of a run answer from one reflection of the schema, kept current by the ops: a run of
// many guarded revisions reflects once, upgrade and downgrade alike. On SQLite the model also keeps
// the server's CREATE texts (a table recreate needs them); a dropped table takes its own texts with
// it, so a downgrade dropping a table per revision still reflects once, not once per revision.

const REVISIONS = 30;

await describeDialects('one reflection of the schema per run of guarded revisions', (ctx) => {
  it('a guarded upgrade and a guarded downgrade to base each reflect the schema once', async () => {
    const db = await ctx.createDatabase('guard-reflections');
    const stream = { name: 'app', dialect: ctx.name, url: db.url };
    const table = (n: number) => `refl_${n}`;
    const up = (n: number): Body => async ({ op, inspect }) => {
      if (!(await inspect.hasTable(table(n)))) await op.createTable(table(n), { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'name', type: 'varchar(40)' }] });
      if (!(await inspect.hasIndex(table(n), `ix_${table(n)}_name`))) await op.createIndex(`ix_${table(n)}_name`, table(n), ['name']);
    };
    const graph = chain(
      Array.from({ length: REVISIONS }, (_, i) => up(i + 1)),
      (n) => async ({ op, inspect }) => {
        if (await inspect.hasTable(table(n))) await op.dropTable(table(n));
      },
    );
    const reflections = vi.spyOn(ctx.dialect, 'readSchema');
    try {
      expect((await upgrade({ stream, graph, target: 'head' })).steps).toHaveLength(REVISIONS);
      expect(reflections).toHaveBeenCalledTimes(1);
      reflections.mockClear();
      expect((await downgrade({ stream, graph, target: 'base' })).steps).toHaveLength(REVISIONS);
      expect(reflections).toHaveBeenCalledTimes(1);
    } finally {
      reflections.mockRestore();
    }
    const after = await snapshot(ctx.dialect, db.url, stream.name);
    expect(after.versions).toEqual([]);
    expect(after.tables.filter((name) => name.startsWith('refl_'))).toEqual([]);
  });
});
