#!/usr/bin/env node
// Model replay: the schema model built from a stream's operations (offline --sql, autogenerate's
// previous state, guards without a database), timed for chains of 500, 2,000 and 8,000 revisions.
// Each revision guards and runs createTable, createIndex and addColumn (the guarded chain's shape),
// so the model keeps every table it ever made; a second table runs the same chain with every second
// revision dropping its column again (dropColumn asks which foreign keys reference the table). Replay cost is linear when the time per revision stays flat as the chain grows: the ratio column is the time per
// revision against the 500-revision chain's.
//
//   node tools/bench/model-replay.mjs [--only 500,2000]
import { performance } from 'node:perf_hooks';
import { replaySchema, revision, RevisionGraph } from '../../packages/engine/dist/index.js';

const SIZES = [500, 2000, 8000];
const RUNS = 3;

const onlyAt = process.argv.indexOf('--only');
const sizes = onlyAt === -1 ? SIZES : process.argv[onlyAt + 1].split(',').map(Number);

/** Revision `n` of the chain: three guarded ops on its own table, and with `drops` a dropColumn every second one. */
function chainRevision(n, drops) {
  const table = `t_${n}`;
  return revision({
    id: `r${String(n).padStart(6, '0')}`,
    parents: n === 1 ? [] : [`r${String(n - 1).padStart(6, '0')}`],
    message: `create ${table}`,
    async upgrade({ op, inspect }) {
      if (!(await inspect.hasTable(table))) {
        await op.createTable(table, {
          columns: [
            { name: 'id', type: 'integer', primaryKey: true },
            { name: 'name', type: 'varchar(100)' },
          ],
        });
      }
      if (!(await inspect.hasIndex(table, `ix_${table}_name`))) await op.createIndex(`ix_${table}_name`, table, ['name']);
      if (!(await inspect.hasColumn(table, 'extra'))) await op.addColumn(table, { name: 'extra', type: 'integer' });
      if (drops && n % 2 === 0) await op.dropColumn(table, 'extra');
    },
    async downgrade({ op }) {
      await op.dropTable(table);
    },
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

for (const drops of [false, true]) {
  const rows = [];
  for (const size of sizes) {
    const graph = new RevisionGraph(Array.from({ length: size }, (_, i) => chainRevision(i + 1, drops)));
    const times = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const { model } = await replaySchema({ dialect: 'sqlite', graph, to: 'head' });
      times.push(performance.now() - started);
      if (model.tables.size !== size) throw new Error(`replay of ${size} revisions made ${model.tables.size} tables`);
    }
    rows.push({ size, ms: median(times) });
  }
  const shape = drops ? 'createTable, createIndex, addColumn; dropColumn every second revision' : 'createTable, createIndex, addColumn';
  console.log(`Model replay, ${shape} (SQLite normalizer, medians of ${RUNS}; ratio = time per revision / the ${rows[0].size}-revision chain's)`);
  console.log(['revisions', 'total ms', 'µs/revision', 'ratio'].join('  '));
  for (const row of rows) {
    const perRevision = (row.ms * 1000) / row.size;
    const base = (rows[0].ms * 1000) / rows[0].size;
    console.log([String(row.size).padStart(9), row.ms.toFixed(0).padStart(8), perRevision.toFixed(0).padStart(11), `${(perRevision / base).toFixed(1)}×`.padStart(5)].join('  '));
  }
  console.log('');
}
