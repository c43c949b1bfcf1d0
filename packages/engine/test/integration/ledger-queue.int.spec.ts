import { expect, it } from 'vitest';
import { inOneTransaction, withConnection } from '../../src/dialects/connection.js';
import type { TransactionMode } from '../../src/config/stream-settings.js';
import { RevisionFailedError } from '../../src/runner/errors.js';
import { revision, type MigrationContext } from '../../src/revision/revision.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { stamp, upgrade } from '../../src/runner/runner.js';
import { describeDialects } from '../support/databases.js';
import { snapshot } from '../support/streams.js';

// Issue 9 item 3: a revision whose body sends nothing (every guard skips) leaves its ledger row to be
// written with the next revision that writes, or at the end of the run; on PostgreSQL every commit but
// the run's last need not wait for the disk.

type Body = (ctx: MigrationContext) => Promise<void>;

/** Revision `n`'s id: rev_1, rev_2… */
const rev = (n: number): string => `rev_${n}`;

/** A linear chain r1 <- r2 <- …, each with the given upgrade; downgrades do nothing. */
function chain(bodies: readonly Body[]): RevisionGraph {
  return new RevisionGraph(
    bodies.map((body, i) =>
      revision({ id: rev(i + 1), parents: i === 0 ? [] : [rev(i)], message: `step ${i + 1}`, upgrade: body, downgrade: async () => undefined }),
    ),
  );
}

/** Creates table `name` unless it exists: a body that sends nothing once the table is there. */
const guardedTable =
  (name: string): Body =>
  async ({ op, inspect }) => {
    if (!(await inspect.hasTable(name))) await op.createTable(name, { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
  };
const nothing: Body = async () => undefined;
const failing: Body = async ({ execute }) => {
  await execute('INSERT INTO no_such_table (id) VALUES (1)');
};

await describeDialects('ledger rows of revisions that send nothing', (ctx) => {
  const streamOn = async (label: string, transaction?: TransactionMode) => {
    const db = await ctx.createDatabase(label);
    return { name: label, dialect: ctx.name, url: db.url, ...(transaction ? { transaction } : {}) };
  };

  /** PostgreSQL: the transaction id that wrote each of the stream's history rows, oldest first. */
  const writers = (url: string, streamName: string): Promise<string[]> =>
    withConnection(ctx.dialect, url, async (c) =>
      (await c.query('SELECT xmin::text AS x FROM strata_history WHERE stream = $1 ORDER BY id', [streamName])).map((r) => String(r['x'])),
    );

  it('a re-run after stamp base, every guard skipping, records every revision, in order, in one write', async () => {
    const stream = await streamOn('rerun');
    const graph = chain([guardedTable('a'), guardedTable('b'), guardedTable('c'), guardedTable('d')]);
    await upgrade({ stream, graph, target: 'head' });
    await stamp({ stream, graph, targets: ['base'] });
    const result = await upgrade({ stream, graph, target: 'head' });
    expect(result.steps.map((s) => [s.revision, s.status])).toEqual([rev(1), rev(2), rev(3), rev(4)].map((id) => [id, 'applied']));
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(held.tables).toEqual(['a', 'b', 'c', 'd']);
    expect(held.versions).toEqual([rev(4)]);
    const rerun = held.history.slice(8);
    expect(rerun.map((r) => [r.revision, r.direction])).toEqual([rev(1), rev(2), rev(3), rev(4)].map((id) => [id, 'up']));
    expect(rerun.map((r) => r.message)).toEqual(['step 1', 'step 2', 'step 3', 'step 4']);
    if (ctx.name === 'postgresql') expect(new Set((await writers(stream.url, stream.name)).slice(8)).size).toBe(1);
  });

  it('rows that wait go out with the next revision that writes, and the last ones at the end', async () => {
    const stream = await streamOn('mixed');
    const graph = chain([guardedTable('a'), nothing, nothing, guardedTable('d'), nothing]);
    await upgrade({ stream, graph, target: 'head' });
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(held.tables).toEqual(['a', 'd']);
    expect(held.versions).toEqual([rev(5)]);
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([rev(1), rev(2), rev(3), rev(4), rev(5)].map((id) => [id, 'up']));
    if (ctx.name === 'postgresql') {
      const [r1, r2, r3, r4, r5] = await writers(stream.url, stream.name);
      expect([r2, r3]).toEqual([r4, r4]);
      expect(new Set([r1, r4, r5]).size).toBe(3);
    }
  });

  it('a failing revision after revisions that sent nothing: those stay recorded as applied (per revision)', async () => {
    const stream = await streamOn('fails');
    const graph = chain([guardedTable('a'), nothing, nothing, failing]);
    const error = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionFailedError);
    expect((error as RevisionFailedError).code).toBe('RUNNER_REVISION_FAILED');
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(held.versions).toEqual([rev(3)]);
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([rev(1), rev(2), rev(3)].map((id) => [id, 'up']));
    // The next run starts from there and fails on the same revision, running nothing twice.
    const again = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
    expect((again as RevisionFailedError).result.steps.map((s) => [s.revision, s.status])).toEqual([[rev(4), 'failed']]);
  });

  it('under --transaction run, the failure takes the waiting rows back with the run where DDL is transactional', async () => {
    const stream = await streamOn('run-fails', 'run');
    const graph = chain([guardedTable('a'), nothing, nothing, failing]);
    const error = await upgrade({ stream, graph, target: 'head' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionFailedError);
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    if (ctx.dialect.capabilities.transactionalDdl) {
      expect((error as RevisionFailedError).result.steps.map((s) => s.status)).toEqual(['rolled-back', 'rolled-back', 'rolled-back', 'failed']);
      expect(held.tables).toEqual([]);
      expect(held.versions).toEqual([]);
      expect(held.history).toEqual([]);
    } else {
      expect(held.tables).toEqual(['a']);
      expect(held.versions).toEqual([rev(3)]);
      expect(held.history.map((r) => r.revision)).toEqual([rev(1), rev(2), rev(3)]);
    }
  });

  it('per revision, SQLite keeps the run\'s revisions in one transaction (other connections see them at its end); elsewhere each commits before the next one\'s first statement', async () => {
    const stream = await streamOn('savepoints');
    const seenFromOutside: boolean[] = [];
    const look: Body = async ({ execute }) => {
      await execute('SELECT 1');
      seenFromOutside.push(await withConnection(ctx.dialect, stream.url, (c) => ctx.dialect.tableExists(c, 'a')));
    };
    await upgrade({ stream, graph: chain([guardedTable('a'), look, look]), target: 'head' });
    const batched = ctx.dialect.capabilities.revisionSavepoints === true;
    expect(batched).toBe(ctx.name === 'sqlite');
    expect(seenFromOutside).toEqual([!batched, !batched]);
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(held.tables).toEqual(['a']);
    expect(held.versions).toEqual([rev(3)]);
    expect(held.history.map((r) => r.revision)).toEqual([rev(1), rev(2), rev(3)]);
  });

  it.runIf(ctx.name === 'sqlite')('SQLite: the lock row goes with the run\'s last COMMIT, and a failed run still leaves it released', async () => {
    const stream = await streamOn('lock-release');
    const lockRows = () => withConnection(ctx.dialect, stream.url, (c) => c.query('SELECT owner FROM strata_lock'));
    const held: number[] = [];
    const watch: Body = async () => {
      held.push((await lockRows()).length);
    };
    await upgrade({ stream, graph: chain([guardedTable('a'), watch]), target: 'head' });
    expect(held).toEqual([1]);
    expect(await lockRows()).toEqual([]);
    const failed = await upgrade({ stream, graph: chain([guardedTable('a'), watch, guardedTable('b'), failing]), target: 'head' }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(RevisionFailedError);
    expect(await lockRows()).toEqual([]);
    const after = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(after.tables).toEqual(['a', 'b']);
    expect(after.versions).toEqual([rev(3)]);
  });

  it('a revision that ends the transaction itself and then fails: with savepoints the revisions before it are reported rolled back with it', async () => {
    const stream = await streamOn('lost-transaction');
    const endsItsTransaction: Body = async ({ execute }) => {
      await execute('ROLLBACK');
      await execute('INSERT INTO no_such_table (id) VALUES (1)');
    };
    const error = await upgrade({ stream, graph: chain([guardedTable('a'), guardedTable('b'), endsItsTransaction]), target: 'head' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RevisionFailedError);
    const failure = error as RevisionFailedError;
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    if (ctx.dialect.capabilities.revisionSavepoints === true) {
      expect(failure.result.steps.map((s) => s.status)).toEqual(['rolled-back', 'rolled-back', 'failed']);
      expect(failure.details).toMatchObject({ rolledBackWith: 2 });
      expect(held.tables).toEqual([]);
      expect(held.versions).toEqual([]);
    } else {
      expect(failure.result.steps.map((s) => s.status)).toEqual(['applied', 'applied', 'failed']);
      expect(held.tables).toEqual(['a', 'b']);
      expect(held.versions).toEqual([rev(2)]);
    }
  });

  it('the ledger row sent with the COMMIT keeps quotes, backslashes and placeholder-like text as written', async () => {
    const stream = await streamOn('literals');
    const message = "it's C:\\temp\\new $1 ? 'quoted' \\' end";
    const graph = new RevisionGraph([
      revision({ id: rev(1), parents: [], message, upgrade: guardedTable('a'), downgrade: async () => undefined }),
      revision({ id: rev(2), parents: [rev(1)], message: 'next', upgrade: guardedTable('b'), downgrade: async () => undefined }),
    ]);
    await upgrade({ stream, graph, target: 'head' });
    const held = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(held.versions).toEqual([rev(2)]);
    expect(held.history.map((r) => [r.revision, r.message])).toEqual([
      [rev(1), message],
      [rev(2), 'next'],
    ]);
    expect(held.history.every((r) => r.durationMs >= 0 && r.finishedAt.getTime() >= r.startedAt.getTime())).toBe(true);
  });

  it('inOneTransaction: all the statements or none, and the session goes on after a failure', async () => {
    const db = await ctx.createDatabase('one-transaction');
    await withConnection(ctx.dialect, db.url, async (c) => {
      const p = (n: number) => ctx.dialect.placeholder(n);
      await c.query('CREATE TABLE items (id integer PRIMARY KEY, label varchar(20))');
      const insert = (id: number, label: string) => ({ sql: `INSERT INTO items (id, label) VALUES (${p(1)}, ${p(2)})`, params: [id, label] });
      const failure = await inOneTransaction(c, [insert(1, "it's"), insert(1, 'again')]).catch((e: unknown) => e);
      expect((failure as { code?: string }).code).toBe('DIALECT_QUERY_FAILED');
      expect(c.inTransaction).toBe(false);
      expect(await c.query('SELECT id FROM items')).toEqual([]);
      await inOneTransaction(c, [insert(2, "it's; two"), insert(3, 'three?')]);
      expect((await c.query('SELECT id, label FROM items ORDER BY id')).map((r) => [Number(r['id']), r['label']])).toEqual([
        [2, "it's; two"],
        [3, 'three?'],
      ]);
    });
  });

  it.runIf(ctx.name === 'postgresql')('PostgreSQL: every revision but the run\'s last commits without waiting for the disk; run mode waits once', async () => {
    const seen: string[] = [];
    const show: Body = async ({ execute }) => {
      const [row] = await execute('SHOW synchronous_commit');
      seen.push(String(row?.['synchronous_commit']));
    };
    const graph = chain([show, show, show]);
    await upgrade({ stream: await streamOn('durable'), graph, target: 'head' });
    expect(seen).toEqual(['off', 'off', 'on']);
    seen.length = 0;
    await upgrade({ stream: await streamOn('durable-run', 'run'), graph, target: 'head' });
    expect(seen).toEqual(['on', 'on', 'on']);
  });
});
