// A SQLite upgrade beside a big table no revision touches: the runner checks foreign keys only on the
// tables a revision's operations named (and those referencing them), so a 500k-row child table elsewhere
// in the database must cost nothing. Both sides run the same generated (guarded, op-based) revisions.
import { closeSync, copyFileSync, fsyncSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { upgrade } from '../../packages/engine/dist/index.js';
import { withDriver } from './drivers.mjs';

/** Rows in the untouched child table. */
export const UNTOUCHED_ROWS = 500_000;

/** A parent and a child with a foreign key to it, `rows` children over 1,000 parents, written in one transaction. */
function bigTablesScript(rows) {
  return [
    'CREATE TABLE accounts (id integer PRIMARY KEY, name text)',
    'CREATE TABLE events (id integer PRIMARY KEY, account_id integer NOT NULL REFERENCES accounts (id), payload text)',
    'BEGIN',
    'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) INSERT INTO accounts SELECT i, printf(\'account %d\', i) FROM n',
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows}) INSERT INTO events SELECT i, 1 + i % 1000, printf('event %d', i) FROM n`,
    'COMMIT',
  ].join(';\n');
}

/**
 * Bench rows: the `graph`'s full upgrade (its revisions generated and op-based) on an empty SQLite file,
 * and on a copy of a file holding the {@link UNTOUCHED_ROWS}-row table; ours / floor should be 1.0.
 * Runs alternate, each on a fresh file.
 */
export async function untouchedTableRows({ workDir, graph, count, runs, median, timed, expectSteps }) {
  const template = join(workDir, 'untouched-template.db');
  const templateUrl = pathToFileURL(template).href;
  await withDriver('sqlite', templateUrl, (session) => session.batch(bigTablesScript(UNTOUCHED_ROWS)));
  const run = async (file) => {
    const url = pathToFileURL(file).href;
    try {
      return await timed(async () => expectSteps(await upgrade({ stream: { name: 'untouched', dialect: 'sqlite', url }, graph, target: 'head' }), count, 'upgrade beside the big table'));
    } finally {
      rmSync(file, { force: true });
    }
  };
  const beside = [];
  const alone = [];
  for (let i = 0; i < runs; i++) {
    alone.push(await run(join(workDir, `untouched-alone-${i}.db`)));
    const copy = join(workDir, `untouched-beside-${i}.db`);
    copyFileSync(template, copy);
    // At rest, as a real database is: otherwise the upgrade's first commit waits for the disk to take
    // the copy's pages still in the page cache (its COMMIT took 10.5 ms instead of 3.8 ms, measured).
    const fd = openSync(copy, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    beside.push(await run(copy));
  }
  rmSync(template, { force: true });
  return [
    {
      metric: `upgrade of ${count} generated revisions beside an untouched ${UNTOUCHED_ROWS.toLocaleString('en')}-row table with a foreign key (floor: the same on an empty file; target 1.0×)`,
      ours: median(beside),
      floor: median(alone),
    },
  ];
}
