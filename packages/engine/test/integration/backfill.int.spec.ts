import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Dialect } from '../../src/dialects/dialect.js';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';
import { StreamFixture, describeRun, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 13 #5: ctx.backfill, the batched update of the expand/contract pattern.
const A = 'aaaa13500001';
const ROWS = 10_000;
const BATCH = 500;

/**
 * Sets status and keeps amount, unless the row is in `poison`: then amount (NOT NULL) is set to NULL and
 * the batch holding that row fails on every dialect. Deleting the poison row lets a re-run through.
 */
const SET = "status = 'new', amount = CASE WHEN EXISTS (SELECT 1 FROM poison WHERE poison.id = accounts.id) THEN NULL ELSE amount END";

function writeBackfillRevision(dir: string, transactional: boolean): void {
  writeFileSync(
    join(dir, '20240601_0000_backfill.ts'),
    `import { revision } from '@strata/engine';
export default revision({
  id: '${A}',
  parents: [],
  message: 'backfill status',
  transactional: ${String(transactional)},
  async upgrade(ctx) {
    await ctx.backfill('accounts', { set: ${JSON.stringify(SET)}, where: 'status IS NULL', batchSize: ${BATCH}, progressEvery: 5 });
  },
  async downgrade() {},
});
`,
  );
}

/** accounts (id, status NULL, amount NOT NULL) with {@link ROWS} rows, made in the database; poison holds `poisonId`. */
async function seed(dialect: Dialect, url: string, poisonId: number): Promise<void> {
  await withConnection(dialect, url, async (c) => {
    await c.query('CREATE TABLE accounts (id integer PRIMARY KEY, status varchar(20), amount integer NOT NULL)');
    await c.query('CREATE TABLE poison (id integer PRIMARY KEY)');
    if (dialect.name === 'postgresql') {
      await c.query(`INSERT INTO accounts (id, amount) SELECT g, g FROM generate_series(1, ${ROWS}) AS g`);
    } else if (dialect.name === 'mysql') {
      const digit = '(SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)';
      await c.query(`INSERT INTO accounts (id, amount) SELECT n + 1, n + 1 FROM (SELECT a.d + 10 * b.d + 100 * c.d + 1000 * d.d AS n FROM ${digit} a, ${digit} b, ${digit} c, ${digit} d) AS s`);
    } else {
      await c.query(`INSERT INTO accounts (id, amount) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < ${ROWS}) SELECT n, n FROM s`);
    }
    await c.query(`INSERT INTO poison (id) VALUES (${poisonId})`);
  });
}

async function counts(dialect: Dialect, url: string): Promise<{ updated: number; pending: number }> {
  return withConnection(dialect, url, async (c) => {
    const [row] = await c.query("SELECT SUM(CASE WHEN status = 'new' THEN 1 ELSE 0 END) AS updated, SUM(CASE WHEN status IS NULL THEN 1 ELSE 0 END) AS pending FROM accounts");
    return { updated: Number(row?.updated ?? 0), pending: Number(row?.pending ?? 0) };
  });
}

/** The backfill lines the CLI printed, as `[rows, batches, done]`. */
function progress(stdout: string): [number, number, boolean][] {
  return [...stdout.matchAll(/backfill accounts: (\d+) row\(s\) in (\d+) batch\(es\)(, done)?/g)].map((m) => [Number(m[1]), Number(m[2]), m[3] !== undefined]);
}

await describeDialects('backfill', (ctx) => {
  const temp = makeTempDir(`backfill-${ctx.name}`);
  afterAll(() => temp.remove());

  it('non-transactional: batches commit one by one, a failure keeps the finished ones, the re-run finishes the rest; progress is reported', async () => {
    const db = await ctx.createDatabase('zero_backfill');
    const s = new StreamFixture(temp.path, 'zero-backfill', db.url);
    await seed(ctx.dialect, s.url, 3750);
    writeBackfillRevision(s.dir, false);

    const failed = await s.cli('upgrade', 'head');
    expect(failed.code, describeRun(failed)).not.toBe(0);
    // Batches 1-7 (ids 1-3500) committed; batch 8 holds the poisoned row 3750 and was rolled back.
    expect(await counts(ctx.dialect, s.url)).toEqual({ updated: 3500, pending: ROWS - 3500 });
    expect(progress(failed.stdout)).toEqual([[2500, 5, false]]);
    expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([]);

    await withConnection(ctx.dialect, s.url, (c) => c.query('DELETE FROM poison'));
    const resumed = await s.cli('upgrade', 'head');
    expect(resumed.code, describeRun(resumed)).toBe(0);
    expect(await counts(ctx.dialect, s.url)).toEqual({ updated: ROWS, pending: 0 });
    // The re-run read only what the WHERE still matched: 6500 rows, 13 batches.
    expect(progress(resumed.stdout)).toEqual([
      [2500, 5, false],
      [5000, 10, false],
      [6500, 13, true],
    ]);
    expect(await versionRows(ctx.dialect, s.url, s.name)).toEqual([A]);
  });

  it.runIf(ctx.dialect.capabilities.transactionalDdl)('transactional: the batches run in the revision\'s transaction, so a failure keeps none', async () => {
    const db = await ctx.createDatabase('zero_backfill_tx');
    const s = new StreamFixture(temp.path, 'zero-backfill-tx', db.url);
    await seed(ctx.dialect, s.url, 3750);
    writeBackfillRevision(s.dir, true);
    const failed = await s.cli('upgrade', 'head');
    expect(failed.code, describeRun(failed)).not.toBe(0);
    expect(await counts(ctx.dialect, s.url)).toEqual({ updated: 0, pending: ROWS });
    await withConnection(ctx.dialect, s.url, (c) => c.query('DELETE FROM poison'));
    const run = await s.cli('upgrade', 'head');
    expect(run.code, describeRun(run)).toBe(0);
    expect(await counts(ctx.dialect, s.url)).toEqual({ updated: ROWS, pending: 0 });
    expect(progress(run.stdout).at(-1)).toEqual([ROWS, ROWS / BATCH, true]);
  });

  it('offline (--sql): one UPDATE of every matching row', async () => {
    const s = new StreamFixture(temp.path, 'zero-backfill-sql', '');
    writeBackfillRevision(s.dir, false);
    const run = await s.cli('upgrade', '--sql', 'head', '--dialect', ctx.name);
    expect(run.code, describeRun(run)).toBe(0);
    const quoted = ctx.name === 'mysql' ? '`accounts`' : '"accounts"';
    expect(run.stdout).toContain(`UPDATE ${quoted} SET ${SET} WHERE (status IS NULL)`);
    expect(run.stdout).not.toContain('LIMIT');
  });
}, ALL_TARGETS);
