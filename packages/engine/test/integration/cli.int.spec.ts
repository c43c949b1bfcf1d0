import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';
import { loadRevisions } from '../../src/revision/load-revisions.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import { repair, upgrade } from '../../src/runner/runner.js';
import {
  APPLIED_BY,
  ENGINE_VERSION,
  StreamFixture,
  describeRun,
  historyRows,
  insertVersionRow,
  jsonOf,
  listAllTables,
  makeTempDir,
  sha256File,
  snapshot,
  tableOf,
  type CliRun,
  type LedgerSnapshot,
  withConnection,
} from '../support/streams.js';

// Revision ids: 12 characters, each with a distinct 4-character prefix so `upgrade <prefix>` is unambiguous.
const A = 'aaaa00000001';
const B = 'bbbb00000002';
const C = 'cccc00000003';
const D = 'dddd00000004';
const E = 'eeee00000005';
const M = 'ffff0000000m';

type Direction = 'up' | 'down' | 'stamp' | 'unstamp' | 'repair';

interface Expected {
  readonly versions: readonly string[];
  /** Every history row of the stream, oldest first. */
  readonly history: readonly (readonly [string, Direction])[];
  /** The user tables (not strata_*), in any order. */
  readonly tables: readonly string[];
}

function expectOk(run: CliRun): void {
  expect(run.code, describeRun(run)).toBe(0);
}

/** The `--json` error document of a failed run: exit 1, `{ error: { code, message } }` on stdout. */
function jsonError(run: CliRun): { code: string; message: string; hint?: string; details: Record<string, unknown> } {
  expect(run.code, describeRun(run)).toBe(1);
  const doc = jsonOf<{ error: { code: string; message: string; hint?: string; details: Record<string, unknown> } }>(run);
  expect(typeof doc.error.code).toBe('string');
  expect(typeof doc.error.message).toBe('string');
  return doc.error;
}

await describeDialects('strata CLI', (ctx) => {
  const temp = makeTempDir(`cli-${ctx.name}`);
  afterAll(() => temp.remove());

  /** A fresh database and stream `name` with its own revisions folder. */
  async function newStream(label: string, name = 'app'): Promise<StreamFixture> {
    const db = await ctx.createDatabase(label);
    return new StreamFixture(temp.path, `${label}-${name}`, db.url);
  }

  /**
   * Asserts the stream's version rows, its whole history (revision and direction, and for every row
   * the file's sha256, the file, a duration, who and the tool version) and the tables present.
   * `files` maps each revision to its file; the checksum is that file's current sha256.
   */
  /** Checks the stream's ledger; `unknown` lists ids no file holds (their rows carry no file and no checksum). */
  async function expectLedger(stream: StreamFixture, files: Record<string, string>, expected: Expected, unknown: readonly string[] = []): Promise<LedgerSnapshot> {
    const snap = await snapshot(ctx.dialect, stream.url, stream.name);
    expect(snap.versions, 'strata_version rows').toEqual([...expected.versions].sort());
    expect(snap.tables, 'tables present').toEqual([...expected.tables].sort());
    expect(
      snap.history.map((r) => [r.revision, r.direction]),
      'strata_history rows',
    ).toEqual(expected.history.map(([id, direction]) => [id, direction]));
    for (const row of snap.history) {
      const file = files[row.revision];
      if (unknown.includes(row.revision)) {
        expect(row.file).toBeNull();
        expect(row.checksum).toBeNull();
      } else {
        expect(file, `test knows the file of ${row.revision}`).toBeDefined();
        // Relative to the project folder (the CLI's cwd here): rows carry no machine's paths (issue 12).
        expect(row.file).toBe(relative(stream.root, file as string).split(sep).join('/'));
        expect(row.checksum).toBe(sha256File(file as string));
      }
      expect(row.appliedBy).toBe(APPLIED_BY);
      expect(row.toolVersion).toBe(ENGINE_VERSION);
      expect(Number.isInteger(row.durationMs)).toBe(true);
      expect(row.durationMs).toBeGreaterThanOrEqual(0);
      if (row.direction === 'stamp' || row.direction === 'unstamp') expect(row.durationMs).toBe(0);
      expect(row.finishedAt.getTime()).toBeGreaterThanOrEqual(row.startedAt.getTime());
      expect(Math.abs(Date.now() - row.startedAt.getTime()), 'started_at is a recent UTC instant').toBeLessThan(10 * 60_000);
    }
    return snap;
  }

  it('upgrade, downgrade and stamp step by step: version rows, history and tables after each step', async () => {
    const s = await newStream('linear');
    const files = s.write([A, `${B}<-${A}`, `${C}<-${B}`]);

    // A SQLite database is fresh once its file exists; before that, a read is refused and creates
    // nothing (DIALECT_DATABASE_FILE_MISSING, see cli-errors), and a writer makes the file.
    if (ctx.name === 'sqlite') {
      expect((await s.cli('current')).stderr).toContain('DIALECT_DATABASE_FILE_MISSING');
      await withConnection(ctx.dialect, s.url, async () => undefined);
    }
    // current on a fresh database reads without creating the ledger.
    const fresh = await s.cli('current', '--json');
    expectOk(fresh);
    expect(jsonOf(fresh)).toMatchObject({ stream: s.name, heads: [], unknown: [] });
    expect(await listAllTables(ctx.dialect, s.url)).not.toContain('strata_version');

    expectOk(await s.cli('upgrade', '+1'));
    await expectLedger(s, files, { versions: [A], history: [[A, 'up']], tables: [tableOf(A)] });

    // A 4-character prefix names bbbb00000002.
    expectOk(await s.cli('upgrade', 'bbbb'));
    await expectLedger(s, files, { versions: [B], history: [[A, 'up'], [B, 'up']], tables: [tableOf(A), tableOf(B)] });

    // history ranges: the whole stream, and from what the database is at.
    const ids = (run: CliRun) => jsonOf<{ revisions: { id: string }[] }>(run).revisions.map((r) => r.id);
    const whole = await s.cli('history', '-r', 'base:head', '--json');
    expectOk(whole);
    expect(ids(whole)).toEqual([C, B, A]);
    const fromCurrent = await s.cli('history', '-r', 'current:', '--json');
    expectOk(fromCurrent);
    expect(ids(fromCurrent)).toEqual([C, B]);
    expect(jsonOf(fromCurrent)).toMatchObject({ current: [B] });

    const up = await s.cli('upgrade');
    expectOk(up);
    expect(up.stdout).toContain(`${C}`);
    const all = [tableOf(A), tableOf(B), tableOf(C)];
    await expectLedger(s, files, { versions: [C], history: [[A, 'up'], [B, 'up'], [C, 'up']], tables: all });

    // Again: nothing to do, nothing recorded.
    const again = await s.cli('upgrade', 'head');
    expectOk(again);
    expect(again.stdout).toMatch(/nothing to upgrade/);
    await expectLedger(s, files, { versions: [C], history: [[A, 'up'], [B, 'up'], [C, 'up']], tables: all });

    expectOk(await s.cli('downgrade', '-1'));
    const h1: [string, Direction][] = [[A, 'up'], [B, 'up'], [C, 'up'], [C, 'down']];
    await expectLedger(s, files, { versions: [B], history: h1, tables: [tableOf(A), tableOf(B)] });

    expectOk(await s.cli('downgrade', 'aaaa'));
    const h2: [string, Direction][] = [...h1, [B, 'down']];
    await expectLedger(s, files, { versions: [A], history: h2, tables: [tableOf(A)] });

    expectOk(await s.cli('downgrade', 'base'));
    const h3: [string, Direction][] = [...h2, [A, 'down']];
    await expectLedger(s, files, { versions: [], history: h3, tables: [] });

    // stamp moves the rows without running anything: no table appears or disappears.
    const stamped = await s.cli('stamp', 'head');
    expectOk(stamped);
    expect(stamped.stdout).toContain(`<base> -> ${C}`);
    const h4: [string, Direction][] = [...h3, [A, 'stamp'], [B, 'stamp'], [C, 'stamp']];
    await expectLedger(s, files, { versions: [C], history: h4, tables: [] });

    expectOk(await s.cli('stamp', 'bbbb'));
    const h5: [string, Direction][] = [...h4, [C, 'unstamp']];
    await expectLedger(s, files, { versions: [B], history: h5, tables: [] });

    expectOk(await s.cli('stamp', 'base'));
    const h6: [string, Direction][] = [...h5, [B, 'unstamp'], [A, 'unstamp']];
    await expectLedger(s, files, { versions: [], history: h6, tables: [] });

    // From base, stamping then upgrading runs only what was not stamped.
    expectOk(await s.cli('stamp', 'aaaa'));
    expectOk(await s.cli('upgrade', '+1'));
    await expectLedger(s, files, { versions: [B], history: [...h6, [A, 'stamp'], [B, 'up']], tables: [tableOf(B)] });
  });

  it('branches: head is ambiguous, heads applies both, merge joins them, downgrading to a parent unmerges', async () => {
    const s = await newStream('branches');
    const files = s.write([A, `${B}<-${A}`, `${C}<-${A}`]);

    const heads = await s.cli('heads');
    expectOk(heads);
    expect(heads.stdout).toContain(B);
    expect(heads.stdout).toContain(C);
    const branches = await s.cli('branches', '--json');
    expectOk(branches);
    expect(jsonOf(branches)).toEqual({ branchPoints: [expect.objectContaining({ id: A, children: expect.arrayContaining([B, C]) })] });

    const ambiguous = await s.cli('upgrade', 'head');
    expect(ambiguous.code, describeRun(ambiguous)).toBe(1);
    expect(ambiguous.stderr).toContain('error REVISION_MULTIPLE_HEADS');
    expect(ambiguous.stderr).toContain(B);
    expect(ambiguous.stderr).toContain(C);
    expect(ambiguous.stderr).toMatch(/`heads`/);
    expect(ambiguous.stderr).toMatch(/merge/);
    await expectLedger(s, files, { versions: [], history: [], tables: [] });

    // The default target is head too.
    const ambiguousDefault = jsonError(await s.cli('upgrade', '--json'));
    expect(ambiguousDefault.code).toBe('REVISION_MULTIPLE_HEADS');

    expectOk(await s.cli('upgrade', 'heads'));
    const applied = await expectLedger(s, files, {
      versions: [B, C],
      history: [[A, 'up'], [B, 'up'], [C, 'up']],
      tables: [tableOf(A), tableOf(B), tableOf(C)],
    });
    expect(applied.history[0]?.revision).toBe(A);

    const current = await s.cli('current', '--json');
    expectOk(current);
    expect(jsonOf(current)).toMatchObject({ heads: [B, C], isHead: true, unknown: [] });

    const merge = await s.cli('merge', '-m', 'join branches', '--json');
    expectOk(merge);
    const merged = jsonOf<{ id: string; file: string; parents: string[] }>(merge);
    expect(merged.parents).toEqual([B, C]);
    expect(merged.file.startsWith(s.dir)).toBe(true);
    expect(merged.file).toMatch(/[/\\]\d{8}_\d{4}_join_branches\.ts$/);
    const source = readFileSync(merged.file, 'utf8');
    expect(source).toContain(`parents: ['${B}', '${C}']`);
    files[merged.id] = merged.file;
    // The graph now has one head: the merge, whose parents are both former heads.
    const shown = await s.cli('show', merged.id, '--json');
    expectOk(shown);
    expect(jsonOf(shown)).toMatchObject({ revisions: [{ id: merged.id, parents: [B, C], isHead: true, isMergePoint: true }] });
    const newHeads = await s.cli('heads', '--json');
    expect(jsonOf<{ heads: { id: string }[] }>(newHeads).heads.map((h) => h.id)).toEqual([merged.id]);

    expectOk(await s.cli('upgrade', 'head'));
    const tables = [tableOf(A), tableOf(B), tableOf(C)];
    const h1: [string, Direction][] = [[A, 'up'], [B, 'up'], [C, 'up'], [merged.id, 'up']];
    await expectLedger(s, files, { versions: [merged.id], history: h1, tables });

    // `-1` from a merge point is ambiguous (it has two parents), as Alembic's "Ambiguous walk": refused, nothing moves.
    const throughMerge = jsonError(await s.cli('downgrade', '-1', '--json'));
    expect(throughMerge.code).toBe('REVISION_RELATIVE_MOVE');
    expect(throughMerge.message).toContain(merged.id);
    expect(throughMerge.message).toContain(B);
    expect(throughMerge.message).toContain(C);
    await expectLedger(s, files, { versions: [merged.id], history: h1, tables });

    // Unmerge: downgrading to one parent reverts only the merge and restores both rows.
    expectOk(await s.cli('downgrade', 'bbbb'));
    await expectLedger(s, files, { versions: [B, C], history: [...h1, [merged.id, 'down']], tables });

    // With two current heads, -1 is ambiguous too; a revision id is not.
    const ambiguousDown = jsonError(await s.cli('downgrade', '-1', '--json'));
    expect(ambiguousDown.code).toBe('REVISION_RELATIVE_MOVE');
    expectOk(await s.cli('downgrade', A));
    const rows = await historyRows(ctx.dialect, s.url, s.name);
    const lastTwo = rows.slice(5).map((r) => [r.revision, r.direction] as [string, Direction]);
    expect(lastTwo.map(([, direction]) => direction)).toEqual(['down', 'down']);
    expect(lastTwo.map(([id]) => id).sort()).toEqual([B, C]);
    await expectLedger(s, files, { versions: [A], history: [...h1, [merged.id, 'down'], ...lastTwo], tables: [tableOf(A)] });
  });

  it('two streams in one database never touch each other', async () => {
    const db = await ctx.createDatabase('two_streams');
    const alpha = new StreamFixture(temp.path, 'alpha', db.url);
    const beta = new StreamFixture(temp.path, 'beta', db.url);
    const alphaFiles = alpha.write([A, `${B}<-${A}`]);
    const betaFiles = beta.write([C, `${D}<-${C}`]);
    const alphaTables = [tableOf(A), tableOf(B)];
    const betaTables = [tableOf(C), tableOf(D)];

    expectOk(await alpha.cli('upgrade', 'head'));
    const alphaUp = await expectLedger(alpha, alphaFiles, { versions: [B], history: [[A, 'up'], [B, 'up']], tables: alphaTables });
    await expectLedger(beta, betaFiles, { versions: [], history: [], tables: alphaTables });

    expectOk(await beta.cli('upgrade', 'head'));
    const betaUp = await expectLedger(beta, betaFiles, { versions: [D], history: [[C, 'up'], [D, 'up']], tables: [...alphaTables, ...betaTables] });
    expect((await snapshot(ctx.dialect, db.url, alpha.name)).history).toEqual(alphaUp.history);
    expect(await snapshot(ctx.dialect, db.url, alpha.name)).toMatchObject({ versions: [B] });

    expectOk(await alpha.cli('downgrade', 'base'));
    await expectLedger(alpha, alphaFiles, { versions: [], history: [[A, 'up'], [B, 'up'], [B, 'down'], [A, 'down']], tables: betaTables });
    const betaAfter = await snapshot(ctx.dialect, db.url, beta.name);
    expect(betaAfter.versions).toEqual([D]);
    expect(betaAfter.history).toEqual(betaUp.history);

    expectOk(await alpha.cli('stamp', 'head'));
    const alphaStamped = await snapshot(ctx.dialect, db.url, alpha.name);
    expect(alphaStamped.versions).toEqual([B]);
    expect(alphaStamped.history.slice(-2).map((r) => [r.revision, r.direction])).toEqual([
      [A, 'stamp'],
      [B, 'stamp'],
    ]);
    expect((await snapshot(ctx.dialect, db.url, beta.name)).history).toEqual(betaUp.history);

    expectOk(await beta.cli('stamp', 'base'));
    const betaUnstamped: [string, Direction][] = [[C, 'up'], [D, 'up'], [D, 'unstamp'], [C, 'unstamp']];
    await expectLedger(beta, betaFiles, { versions: [], history: betaUnstamped, tables: betaTables });
    expect((await snapshot(ctx.dialect, db.url, alpha.name)).history).toEqual(alphaStamped.history);

    // --purge deletes only this stream's rows.
    await insertVersionRow(ctx.dialect, db.url, beta.name, 'dead0000beef');
    expectOk(await beta.cli('stamp', '--purge', 'head'));
    await expectLedger(
      beta,
      betaFiles,
      { versions: [D], history: [...betaUnstamped, ['dead0000beef', 'unstamp'], [C, 'stamp'], [D, 'stamp']], tables: betaTables },
      ['dead0000beef'],
    );
    const alphaAfterPurge = await snapshot(ctx.dialect, db.url, alpha.name);
    expect(alphaAfterPurge.versions).toEqual([B]);
    expect(alphaAfterPurge.history).toEqual(alphaStamped.history);
    const alphaCurrent = await alpha.cli('current', '--json');
    expect(jsonOf(alphaCurrent)).toMatchObject({ stream: 'alpha', heads: [B], unknown: [] });
  });

  it('a branch revision merged after its sibling was applied is applied before the merge (not skipped)', async () => {
    const s = await newStream('late_merge');
    const files = s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade', 'head'));
    await expectLedger(s, files, { versions: [B], history: [[A, 'up'], [B, 'up']], tables: [tableOf(A), tableOf(B)] });

    Object.assign(files, s.write([`${C}<-${A}`, `${M}<-${B},${C}`]));
    const run = await s.cli('upgrade', 'head', '--json');
    expectOk(run);
    expect(jsonOf<{ steps: { revision: string; status: string }[] }>(run).steps).toEqual([
      expect.objectContaining({ revision: C, status: 'applied' }),
      expect.objectContaining({ revision: M, status: 'applied' }),
    ]);
    await expectLedger(s, files, {
      versions: [M],
      history: [[A, 'up'], [B, 'up'], [C, 'up'], [M, 'up']],
      tables: [tableOf(A), tableOf(B), tableOf(C)],
    });
    // And back down through the merge: both branch tips again, C's table kept.
    expectOk(await s.cli('downgrade', C));
    const unmerged = await snapshot(ctx.dialect, s.url, s.name);
    expect(unmerged.versions).toEqual([B, C]);
    expect(unmerged.tables).toEqual([tableOf(A), tableOf(B), tableOf(C)]);
  });

  it('stamp across a merge sets the rows to exactly the target; the next upgrade runs the other side (issue 10, defect 1)', async () => {
    const s = await newStream('stamp_merge');
    // A, B; two lines C<-B, D<-C and E<-B; the merge M of D and E.
    const files = s.write([A, `${B}<-${A}`, `${C}<-${B}`, `${D}<-${C}`, `${E}<-${B}`, `${M}<-${D},${E}`]);
    expectOk(await s.cli('stamp', M));
    expectOk(await s.cli('stamp', E));
    await expectLedger(s, files, {
      versions: [E],
      history: [[A, 'stamp'], [B, 'stamp'], [C, 'stamp'], [D, 'stamp'], [E, 'stamp'], [M, 'stamp'], [M, 'unstamp'], [D, 'unstamp'], [C, 'unstamp']],
      tables: [],
    });
    // A database really at E has neither C nor D: the upgrade runs them, then the merge.
    const run = await s.cli('upgrade', 'heads', '--json');
    expectOk(run);
    expect(jsonOf<{ steps: { revision: string }[] }>(run).steps.map((step) => step.revision)).toEqual([C, D, M]);
    expect((await snapshot(ctx.dialect, s.url, s.name)).tables).toEqual([tableOf(C), tableOf(D)]);
  });

  it('merge refuses a revision that is not a head and writes nothing (issue 10, defect 5)', async () => {
    const s = await newStream('merge_not_head');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`, `${D}<-${A}`]);
    const before = readdirSync(s.dir).sort();
    const refused = await s.cli('merge', C, B, '-m', 'bad', '--json');
    expect(refused.code).not.toBe(0);
    expect(jsonError(refused)).toMatchObject({ code: 'REVISION_MERGE_NOT_HEAD', details: { revision: B, children: [C], heads: [C, D] } });
    expect(readdirSync(s.dir).sort()).toEqual(before);
    const ancestor = await s.cli('merge', A, D);
    expect(ancestor.code).not.toBe(0);
    expect(ancestor.stderr).toContain(`Revision ${A} is not a head`);
    const merged = await s.cli('merge', '-m', 'join');
    expectOk(merged);
    expect(readdirSync(s.dir)).toHaveLength(before.length + 1);
  });

  it('history refuses a range that is not ancestor to descendant, and says when a range holds nothing (issue 10, defect 2)', async () => {
    const s = await newStream('history_range');
    s.write([A, `${B}<-${A}`, `${C}<-${B}`]);
    for (const range of [`${C}:${A}`, `${C}:base`]) {
      const refused = await s.cli('history', '-r', range, '--json');
      expect(refused.code, range).not.toBe(0);
      expect(jsonError(refused)).toMatchObject({ code: 'REVISION_RANGE_NOT_ANCESTOR', details: { range } });
    }
    const swapped = await s.cli('history', '-r', `${A}:${C}`);
    expectOk(swapped);
    expect(swapped.stdout.trim().split('\n').map((line) => line.split(',')[0]?.split(' ')[2])).toEqual([C, B, A]);
    const empty = await s.cli('history', '-r', 'base:base');
    expectOk(empty);
    expect(empty.stdout).toContain('No revision of stream');
  });

  it('a revision that fails half-way leaves the ledger as before it (and, with transactional DDL, the schema)', async () => {
    const s = await newStream('failing');
    const files = s.write([A]);
    Object.assign(
      files,
      s.write([`${B}<-${A}`], { [B]: { upgrade: ['CREATE TABLE t_half (id integer PRIMARY KEY)', 'THIS IS NOT SQL AT ALL'], downgrade: ['DROP TABLE t_half'] } }),
    );
    expectOk(await s.cli('upgrade', '+1'));
    const before = await expectLedger(s, files, { versions: [A], history: [[A, 'up']], tables: [tableOf(A)] });

    const human = await s.cli('upgrade', 'head');
    expect(human.code, describeRun(human)).toBe(1);
    expect(human.stderr).toContain('error RUNNER_REVISION_FAILED');
    expect(human.stderr).toContain(B);
    expect(human.stderr).toContain(files[B]);
    expect(human.stderr).toMatch(/^hint: /m);

    const failed = jsonError(await s.cli('upgrade', 'head', '--json'));
    expect(failed.code).toBe('RUNNER_REVISION_FAILED');
    expect(failed.message).toContain(`revision ${B}`);
    expect(failed.message).toContain(files[B]);
    expect(failed.details).toMatchObject({ revision: B, file: files[B], direction: 'up' });

    const after = await snapshot(ctx.dialect, s.url, s.name);
    expect(after.versions, 'the failed revision is not recorded').toEqual([A]);
    expect(after.history).toEqual(before.history);
    if (ctx.dialect.capabilities.transactionalDdl) {
      expect(ctx.name).not.toBe('mysql');
      expect(after.tables, 'the first statement was rolled back').toEqual([tableOf(A)]);
      expect(failed.message).toMatch(/rolled back/);
      expect(failed.details['rolledBack']).toBe(true);
    } else {
      // MySQL commits DDL as it goes: the first statement's table stays, the ledger says not applied.
      expect(ctx.name).toBe('mysql');
      expect(after.tables).toEqual([tableOf(A), 't_half']);
      expect(failed.message).toMatch(/cannot roll DDL back/);
      expect(failed.details['rolledBack']).toBe(false);
    }
  });

  it('refuses to run when an applied file changed; --allow-changed lets it through', async () => {
    const s = await newStream('checksum');
    const files = s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade', 'head'));
    const appliedSum = sha256File(files[B] as string);

    appendFileSync(files[B] as string, '\n// edited after it was applied\n');
    expect(sha256File(files[B] as string)).not.toBe(appliedSum);
    Object.assign(files, s.write([`${C}<-${B}`]));

    const refused = await s.cli('upgrade');
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toContain('error RUNNER_CHECKSUM_MISMATCH');
    expect(refused.stderr).toContain(files[B]);
    expect(refused.stderr).toContain(B);
    expect(refused.stderr).toContain('--allow-changed');
    const refusedJson = jsonError(await s.cli('upgrade', '--json'));
    expect(refusedJson.code).toBe('RUNNER_CHECKSUM_MISMATCH');
    expect(refusedJson.details).toMatchObject({ changed: [{ id: B, file: files[B], recorded: appliedSum, current: sha256File(files[B] as string) }] });
    // Nothing ran: C was not applied.
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.versions).toEqual([B]);
    expect(held.tables).toEqual([tableOf(A), tableOf(B)]);
    expect(held.history.map((r) => r.revision)).toEqual([A, B]);
    expect(held.history[1]?.checksum).toBe(appliedSum);

    // Downgrade refuses too: it would run the changed file.
    expect(jsonError(await s.cli('downgrade', '-1', '--json')).code).toBe('RUNNER_CHECKSUM_MISMATCH');

    expectOk(await s.cli('upgrade', '--allow-changed'));
    const passed = await snapshot(ctx.dialect, s.url, s.name);
    expect(passed.versions).toEqual([C]);
    expect(passed.tables).toEqual([tableOf(A), tableOf(B), tableOf(C)]);
    expect(passed.history.map((r) => [r.revision, r.direction])).toEqual([
      [A, 'up'],
      [B, 'up'],
      [C, 'up'],
    ]);
    expect(passed.history[2]?.checksum).toBe(sha256File(files[C] as string));
    // The recorded checksum of B is still the applied one, so the next plain run refuses again.
    expect(passed.history[1]?.checksum).toBe(appliedSum);
    expect((await s.cli('upgrade')).code).toBe(1);
  });

  it('repair records the edited revision\'s checksum with a history row; the next plain upgrade passes (issue 12, item 5)', async () => {
    const s = await newStream('repair');
    const files = s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade', 'head'));
    const appliedSum = sha256File(files[B] as string);
    appendFileSync(files[B] as string, '\n// edited on purpose after it was applied\n');
    const editedSum = sha256File(files[B] as string);
    Object.assign(files, s.write([`${C}<-${B}`]));
    expect((await s.cli('upgrade')).code).toBe(1);

    const repaired = await s.cli('repair');
    expectOk(repaired);
    expect(repaired.stdout).toContain(`repaired  ${B} (${files[B]}): ${appliedSum} -> ${editedSum}`);
    expect(repaired.stdout).toContain('recorded the current checksum of 1 edited revision.');
    const afterRepair = await snapshot(ctx.dialect, s.url, s.name);
    expect(afterRepair.versions, 'repair runs nothing').toEqual([B]);
    expect(afterRepair.tables).toEqual([tableOf(A), tableOf(B)]);
    expect(afterRepair.history.map((r) => [r.revision, r.direction, r.checksum])).toEqual([
      [A, 'up', sha256File(files[A] as string)],
      [B, 'up', appliedSum],
      [B, 'repair', editedSum],
    ]);
    expect(afterRepair.history[2]?.appliedBy).toBe(APPLIED_BY);

    // A second repair finds nothing; JSON lists what it recorded.
    const again = await s.cli('repair', '--json');
    expectOk(again);
    expect(jsonOf(again)).toEqual({ stream: s.name, repaired: [] });

    expectOk(await s.cli('upgrade'));
    const passed = await snapshot(ctx.dialect, s.url, s.name);
    expect(passed.versions).toEqual([C]);
    expect(passed.tables).toEqual([tableOf(A), tableOf(B), tableOf(C)]);
    // Down and up again: the downgrade of B checks against the repaired checksum, and the new up row records it.
    expectOk(await s.cli('downgrade', A));
    expectOk(await s.cli('upgrade'));
    const final = await snapshot(ctx.dialect, s.url, s.name);
    expect(final.history.filter((r) => r.revision === B).map((r) => [r.direction, r.checksum])).toEqual([
      ['up', appliedSum],
      ['repair', editedSum],
      ['down', editedSum],
      ['up', editedSum],
    ]);
  });

  it('the engine\'s repair returns each edited applied revision and leaves unchanged and unapplied ones alone', async () => {
    const s = await newStream('repair-api');
    const files = s.write([A, `${B}<-${A}`, `${C}<-${B}`]);
    expectOk(await s.cli('upgrade', B));
    appendFileSync(files[A] as string, '\n// edited\n');
    appendFileSync(files[C] as string, '\n// edited, not applied\n');
    const stream = { name: s.name, dialect: ctx.name, url: s.url };
    const graph = new RevisionGraph(loadRevisions(s.dir));
    const result = await repair({ stream, graph });
    expect(result).toEqual({ stream: s.name, repaired: [{ id: A, file: files[A], recorded: expect.any(String), current: sha256File(files[A] as string) }] });
    expect((await repair({ stream, graph })).repaired).toEqual([]);
    const run = await upgrade({ stream, graph, target: 'head' });
    expect(run.steps.map((step) => step.revision)).toEqual([C]);
  });

  it('an unknown revision in the version table: current shows it, upgrade and stamp refuse, stamp --purge recovers', async () => {
    const s = await newStream('unknown');
    const files = s.write([A, `${B}<-${A}`]);
    expectOk(await s.cli('upgrade', '+1'));
    const bogus = 'dead0000beef';
    await insertVersionRow(ctx.dialect, s.url, s.name, bogus);

    const current = await s.cli('current');
    expectOk(current);
    expect(current.stdout).toContain(A);
    expect(current.stdout).toMatch(new RegExp(`${bogus} \\(no revision file has this id`));
    const currentJson = await s.cli('current', '--json');
    expect(jsonOf(currentJson)).toMatchObject({ heads: [A, bogus].sort(), unknown: [bogus], isHead: false });

    const refused = await s.cli('upgrade');
    expect(refused.code, describeRun(refused)).toBe(1);
    expect(refused.stderr).toContain('error REVISION_UNKNOWN_CURRENT');
    expect(refused.stderr).toContain(bogus);
    expect(refused.stderr).toMatch(/stamp --purge/);
    expect(jsonError(await s.cli('stamp', 'head', '--json')).code).toBe('REVISION_UNKNOWN_CURRENT');
    const held = await snapshot(ctx.dialect, s.url, s.name);
    expect(held.versions).toEqual([A, bogus].sort());
    expect(held.history.map((r) => [r.revision, r.direction])).toEqual([[A, 'up']]);

    expectOk(await s.cli('stamp', '--purge', 'head'));
    // The purge records what it took away (the unknown row) and what it marked (B); A stays applied.
    await expectLedger(s, files, {
      versions: [B],
      history: [
        [A, 'up'],
        [bogus, 'unstamp'],
        [B, 'stamp'],
      ],
      tables: [tableOf(A)],
    }, [bogus]);
    const after = await s.cli('upgrade');
    expectOk(after);
    expect(after.stdout).toMatch(/nothing to upgrade/);
  });

  // A PGlite database belongs to one process (in memory, or a directory only one process may open):
  // runners in several processes need a server. PGlite's lock between runners of one process is in pglite.int.spec.ts.
  it.skipIf(ctx.target.name === 'pglite')('4 concurrent `strata upgrade` processes apply each revision exactly once', async () => {
    const s = await newStream('concurrent');
    const ids = [A, B, C, D, E];
    const sleepy = Object.fromEntries(ids.map((id) => [id, { sleepMs: 200 }]));
    const files = s.write([A, `${B}<-${A}`, `${C}<-${B}`, `${D}<-${C}`, `${E}<-${D}`], sleepy);

    const runs = await Promise.all([1, 2, 3, 4].map(() => s.binary('upgrade', 'head', '--json')));
    for (const run of runs) expectOk(run);
    const applied = runs.flatMap((run) => jsonOf<{ steps: { revision: string }[] }>(run).steps.map((step) => step.revision));
    expect(applied.sort(), 'each revision applied by exactly one process').toEqual([...ids].sort());
    const snap = await expectLedger(s, files, {
      versions: [E],
      history: ids.map((id) => [id, 'up'] as const),
      tables: ids.map(tableOf),
    });
    for (const row of snap.history) expect(row.durationMs, `${row.revision} slept 200 ms`).toBeGreaterThanOrEqual(150);
  });

  it('--json: upgrade, current, history and errors are one JSON document each', async () => {
    const s = await newStream('json');
    const files = s.write([A, `${B}<-${A}`]);

    const up = await s.cli('upgrade', '--json');
    expectOk(up);
    const result = jsonOf<Record<string, unknown>>(up);
    expect(result).toMatchObject({ stream: s.name, direction: 'up', headsBefore: [], headsAfter: [B] });
    expect(result['steps']).toEqual([
      { revision: A, message: `rev ${A}`, direction: 'up', status: 'applied', durationMs: expect.any(Number), file: files[A], differences: [] },
      { revision: B, message: `rev ${B}`, direction: 'up', status: 'applied', durationMs: expect.any(Number), file: files[B], differences: [] },
    ]);

    const current = await s.cli('current', '--json');
    expectOk(current);
    expect(jsonOf(current)).toEqual({
      stream: s.name,
      heads: [B],
      revisions: [expect.objectContaining({ id: B, parents: [A], isHead: true, file: files[B] })],
      unknown: [],
      isHead: true,
    });

    const history = await s.cli('history', '--json');
    expectOk(history);
    const listed = jsonOf<{ stream: string; revisions: { id: string }[]; current: string[] }>(history);
    expect(listed.stream).toBe(s.name);
    expect(listed.revisions.map((r) => r.id)).toEqual([B, A]);

    // Newest first, as the files are listed (issue 12, item 11).
    const applied = await s.cli('history', '--applied', '--json');
    expectOk(applied);
    const ledger = jsonOf<{ stream: string; history: Record<string, unknown>[] }>(applied);
    expect(ledger.history).toEqual([B, A].map((id) =>
      expect.objectContaining({
        stream: s.name,
        revision: id,
        direction: 'up',
        file: relative(s.root, files[id] as string).split(sep).join('/'),
        checksum: sha256File(files[id] as string),
        appliedBy: APPLIED_BY,
        toolVersion: ENGINE_VERSION,
        durationMs: expect.any(Number),
        startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      }),
    ));

    const text = await s.cli('history', '--applied');
    expectOk(text);
    expect(text.stdout.split('\n').filter((line) => line !== '').map((line) => (line.includes(A) ? A : line.includes(B) ? B : line))).toEqual([B, A]);

    const error = jsonError(await s.cli('upgrade', 'zzzz9999', '--json'));
    expect(error.code).toBe('REVISION_UNKNOWN');
    expect(error.message).toContain('zzzz9999');
    // The ledger did not move.
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([B]);
  });

  it('relative targets, history ranges, -i, show, heads and branches', async () => {
    const s = await newStream('targets');
    const files = s.write([A, `${B}<-${A}`, `${C}<-${B}`, `${D}<-${B}`]);

    // history -r base:head needs no database: from the base to the heads, newest first.
    const range = await s.cli('history', '-r', 'base:cccc', '--json');
    expectOk(range);
    expect(jsonOf<{ revisions: { id: string }[] }>(range).revisions.map((r) => r.id)).toEqual([C, B, A]);
    const from = await s.cli('history', '-r', 'bbbb:', '--json');
    expect(jsonOf<{ revisions: { id: string }[] }>(from).revisions.map((r) => r.id).sort()).toEqual([B, C, D]);
    const badRange = await s.cli('history', '-r', 'nocolon');
    expect(badRange.code).toBe(1);
    expect(badRange.stderr).toContain('error REVISION_INVALID_RANGE');
    expect(badRange.stderr).toContain('START:END');

    expectOk(await s.cli('upgrade', '+2'));
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([B]);
    // +1 from B is ambiguous: C and D both follow it.
    const fork = jsonError(await s.cli('upgrade', '+1', '--json'));
    expect(fork.code).toBe('REVISION_RELATIVE_MOVE');
    expect(fork.message).toContain(C);
    expect(fork.message).toContain(D);
    expectOk(await s.cli('upgrade', 'cccc'));
    await expectLedger(s, files, { versions: [C], history: [[A, 'up'], [B, 'up'], [C, 'up']], tables: [A, B, C].map(tableOf) });

    const indicated = await s.cli('history', '-i');
    expectOk(indicated);
    const lines = indicated.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.includes(`-> ${C}`))).toContain('(current)');
    expect(lines.filter((l) => l.includes('(current)'))).toHaveLength(1);
    expect(lines.find((l) => l.includes(`-> ${B}`))).toContain('(branchpoint)');
    expect(lines.find((l) => l.includes(`-> ${A}`))).toMatch(/^<base> -> /);

    const shown = await s.cli('show', 'dddd');
    expectOk(shown);
    expect(shown.stdout).toContain(`Rev: ${D} (head)`);
    expect(shown.stdout).toContain(`Parent: ${B}`);
    expect(shown.stdout).toContain(`Path: ${files[D]}`);

    const heads = await s.cli('heads');
    expectOk(heads);
    expect(heads.stdout.trim().split('\n').map((l) => l.split(' ')[0]).sort()).toEqual([C, D]);
    const branches = await s.cli('branches');
    expectOk(branches);
    expect(branches.stdout).toContain(`${B} (branchpoint)`);
    expect(branches.stdout).toContain(`-> ${B} -> ${C}`);
    expect(branches.stdout).toContain(`-> ${B} -> ${D}`);

    expectOk(await s.cli('downgrade', '-1'));
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([B]);
    expectOk(await s.cli('upgrade', 'heads'));
    expect((await snapshot(ctx.dialect, s.url, s.name)).versions).toEqual([C, D]);
    expectOk(await s.cli('downgrade', 'base'));
    const gone = await snapshot(ctx.dialect, s.url, s.name);
    expect(gone.versions).toEqual([]);
    expect(gone.tables).toEqual([]);
    expect(gone.history.filter((r) => r.direction === 'down').map((r) => r.revision).slice(-2)).toEqual([B, A]);
    // -1 below base goes nowhere.
    expect(jsonError(await s.cli('downgrade', '-1', '--json')).code).toBe('REVISION_RELATIVE_MOVE');
  });
}, ALL_TARGETS);
