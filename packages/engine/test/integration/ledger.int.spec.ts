import { relative, sep } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';
import { pick } from '../support/schema.js';
import {
  StreamFixture,
  describeRun,
  insertVersionRow,
  jsonOf,
  makeTempDir,
  snapshot,
  tableOf,
  withConnection,
  type CliRun,
} from '../support/streams.js';

// Issue 11 #4: the version rows are cross-checked against the history on every run.
const A = 'aaaa00000001';
const B = 'bbbb00000002';
const C = 'cccc00000003';
const D = 'dddd00000004';
const E = 'eeee00000005';
const M = 'ffff0000000m';
const N = 'nnnn0000000n';

interface MismatchDoc {
  error: { code: string; message: string; hint: string; details: { repair: string; notInHistory: string[]; notInVersions: string[]; extraRows: string[] } };
}

function expectOk(run: CliRun): void {
  expect(run.code, describeRun(run)).toBe(0);
}

await describeDialects('ledger cross-check', (ctx) => {
  const temp = makeTempDir(`ledger-${ctx.name}`);
  afterAll(() => temp.remove());

  async function newStream(label: string, name = 'app'): Promise<StreamFixture> {
    const db = await ctx.createDatabase(label);
    return new StreamFixture(temp.path, `${label}-${name}`, db.url);
  }

  async function sql(url: string, statement: string, params: readonly unknown[] = []): Promise<void> {
    await withConnection(ctx.dialect, url, (c) => c.query(statement, params));
  }

  const q = (name: string) => ctx.dialect.quoteIdentifier(name);

  /** The run is refused with RUNNER_LEDGER_MISMATCH; returns the error document. */
  async function expectMismatch(s: StreamFixture, ...argv: string[]): Promise<MismatchDoc['error']> {
    const run = await s.cli(...argv, '--json');
    expect(run.code, describeRun(run)).toBe(1);
    const { error } = jsonOf<MismatchDoc>(run);
    expect(error.code).toBe('RUNNER_LEDGER_MISMATCH');
    expect(error.hint).toContain(error.details.repair);
    return error;
  }

  /** `check --db` agrees with the runner: it passes on an agreeing ledger. */
  async function expectCheckPasses(s: StreamFixture): Promise<void> {
    const check = await s.cli('check', '--db');
    expect(check.code, describeRun(check)).toBe(0);
  }

  it('a deleted version row stops upgrade (no revision runs twice); check --db reports it; the named stamp repairs it', async () => {
    const s = await newStream('deleted-row');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`]);
    expectOk(await s.cli('upgrade'));
    await sql(s.url, `DELETE FROM ${q('strata_version')} WHERE ${q('stream')} = ${ctx.dialect.placeholder(1)}`, [s.name]);

    const error = await expectMismatch(s, 'upgrade');
    expect(error.details.notInVersions).toEqual([A, B, C]);
    expect(error.details.repair).toBe(`strata stamp ${C}`);
    expect(error.message).toMatch(/run them a second time/);
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.versions).toEqual([]);
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([A, B, C].map((id) => [id, 'up']));

    const check = await s.cli('check', '--db');
    expect(check.code, describeRun(check)).toBe(1);
    expect(check.stderr).toContain(`strata stamp ${C}`);
    expect((await s.cli('downgrade', 'base')).code).toBe(1);

    expectOk(await s.cli(...error.details.repair.split(' ').slice(1)));
    const repaired = await snapshot(ctx.dialect, s.url, s.name);
    expect(repaired.versions).toEqual([C]);
    expect(repaired.history).toHaveLength(3);
    const again = await s.cli('upgrade');
    expectOk(again);
    expect(again.stdout).toMatch(/nothing to upgrade/);
    await expectCheckPasses(s);
  });

  it('a dropped strata_history stops upgrade instead of being silently recreated; the stamp records stamp rows again', async () => {
    const s = await newStream('dropped-history');
    const files = s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade'));
    await sql(s.url, `DROP TABLE ${q('strata_history')}`);

    const check = await s.cli('check', '--db', '--json');
    expect(check.code, describeRun(check)).toBe(1);
    expect(check.stdout).toContain('ledger-mismatch');

    const error = await expectMismatch(s, 'upgrade');
    expect(error.details.notInHistory).toEqual([A, B]);
    expect(error.details.repair).toBe(`strata stamp ${B}`);
    expect(error.message).toMatch(/checksum protection/);

    expectOk(await s.cli('stamp', B));
    const repaired = await snapshot(ctx.dialect, s.url, s.name);
    expect(repaired.versions).toEqual([B]);
    expect(repaired.history.map((r) => [r.revision, r.direction, r.file])).toEqual([
      [A, 'stamp', relative(s.root, files[A] as string).split(sep).join('/')],
      [B, 'stamp', relative(s.root, files[B] as string).split(sep).join('/')],
    ]);
    expect(repaired.tables).toEqual([tableOf(A), tableOf(B)]);
    await expectCheckPasses(s);
  });

  it('an extra ancestor row in strata_version is refused; the stamp removes it', async () => {
    const s = await newStream('extra-row');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`]);
    expectOk(await s.cli('upgrade'));
    await insertVersionRow(ctx.dialect, s.url, s.name, A);

    const error = await expectMismatch(s, 'upgrade');
    expect(error.details.extraRows).toEqual([A]);
    expect(error.details.repair).toBe(`strata stamp ${C}`);
    expectOk(await s.cli('stamp', C));
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([C]);
    expectOk(await s.cli('upgrade'));
    await expectCheckPasses(s);
  });

  it('legitimate sequences never trip the check: up, down, stamp, branches, merge, unmerge, dependsOn, another stream', async () => {
    const s = await newStream('legit');
    // A <- B, A <- C (a branch), M merges B and C; D depends on C besides its parent A; N merges M and D;
    // E, on another stream, depends on A.
    s.write([A, `${B}<-${A}`, `${C}<-${A}`, `${M}<-${B},${C}`]);
    s.write([`${D}<-${A}`], { [D]: { dependsOn: [C] } });
    s.write([`${N}<-${M},${D}`]);
    const steps: string[][] = [
      ['upgrade', `${B}`],
      ['upgrade', M],
      ['downgrade', `${A}`],
      ['upgrade', `${D}`],
      ['upgrade', 'heads'],
      ['downgrade', `${C}`],
      ['upgrade', 'heads'],
      ['downgrade', `${M}`],
      ['stamp', 'base'],
      ['stamp', M],
      ['stamp', '--purge', N],
      ['downgrade', 'base'],
      ['upgrade', 'heads'],
    ];
    for (const argv of steps) {
      const run = await s.cli(...argv);
      expect(run.code, `${argv.join(' ')}\n${describeRun(run)}`).toBe(0);
      const check = await s.cli('check', '--db');
      expect(check.code, `check --db after ${argv.join(' ')}\n${describeRun(check)}`).toBe(0);
    }
    const other = new StreamFixture(temp.path, 'legit-other', s.url);
    other.write([E], { [E]: { dependsOn: [`${s.name}@${A}`], upgrade: [`CREATE TABLE ${tableOf(E)} (id integer PRIMARY KEY)`] } });
    expectOk(await other.cli('upgrade'));
    await expectCheckPasses(other);
    await expectCheckPasses(s);
    expectOk(await s.cli('upgrade'));
  });

  /** The names of the indexes on strata_history, as the catalog lists them. */
  async function historyIndexes(url: string): Promise<string[]> {
    const rows = await withConnection(ctx.dialect, url, (c) =>
      c.query(
        pick(ctx.dialect.name, {
          postgresql: "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'strata_history'",
          mysql: "SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'strata_history'",
          sqlite: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'strata_history'",
        }),
      ),
    );
    return rows.map((r) => String(r.name));
  }

  it('strata_history gets its (stream, revision, id) index on a new ledger, and a ledger made without it gets it on the next run', async () => {
    const s = await newStream('history-index');
    s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade', A));
    expect(await historyIndexes(s.url)).toContain('strata_history_stream_revision');
    const index = q('strata_history_stream_revision');
    await sql(s.url, pick(ctx.dialect.name, { postgresql: `DROP INDEX ${index}`, mysql: `DROP INDEX ${index} ON ${q('strata_history')}`, sqlite: `DROP INDEX ${index}` }));
    expect(await historyIndexes(s.url)).not.toContain('strata_history_stream_revision');
    expectOk(await s.cli('upgrade'));
    expectOk(await s.cli('upgrade'));
    expect(await historyIndexes(s.url)).toContain('strata_history_stream_revision');
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.versions).toEqual([B]);
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([[A, 'up'], [B, 'up']]);
  });
}, ALL_TARGETS);
