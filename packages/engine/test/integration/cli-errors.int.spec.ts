import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_TARGETS, describeDialects, testDatabases } from '../support/databases.js';
import {
  StreamFixture,
  describeRun,
  jsonOf,
  makeTempDir,
  runBinary,
  runCli,
  withConnection,
  writeRevision,
  type CliRun,
} from '../support/streams.js';

const A = 'aaaa00000001';
const B = 'bbbb00000002';
const C = 'cccc00000003';

interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly details: Record<string, unknown>;
}

/**
 * Runs the same failing command twice, as text and with --json, and checks both: the exit code, the
 * `error CODE: message` and `hint:` lines on stderr, and the `{ error: { code, message, hint } }` document.
 */
async function expectFailure(run: (json: boolean) => Promise<CliRun>, code: string, exitCode = 1): Promise<JsonError> {
  const human = await run(false);
  expect(human.code, describeRun(human)).toBe(exitCode);
  expect(human.stderr).toContain(`error ${code}: `);
  expect(human.stderr).toMatch(/^hint: \S/m);
  expect(human.stderr).not.toContain('internal error');
  const machine = await run(true);
  expect(machine.code, describeRun(machine)).toBe(exitCode);
  const doc = jsonOf<{ error: JsonError }>(machine);
  expect(doc.error.code).toBe(code);
  expect(doc.error.message.length).toBeGreaterThan(10);
  expect(doc.error.hint ?? '').not.toBe('');
  return doc.error;
}

describe('strata CLI: bad revision files and targets', () => {
  const temp = makeTempDir('cli-errors');
  let n = 0;
  afterAll(() => temp.remove());

  /** A new stream on a fresh SQLite file (the errors below come before or beside the database). */
  function stream(): StreamFixture {
    n += 1;
    const root = join(temp.path, `p${n}`);
    return new StreamFixture(root, `errs${n}`, `file:${join(root, 'test.db')}`);
  }

  /** `strata <argv>` on `s`, with --json when asked. */
  const on = (s: StreamFixture, ...argv: string[]) => (json: boolean) => s.cli(...argv, ...(json ? ['--json'] : []));

  it('a revision file with a syntax error: LOADER_MODULE_FAILED naming the file', async () => {
    const s = stream();
    s.write([A]);
    const broken = join(s.dir, '20240101_0100_broken.ts');
    writeFileSync(broken, "import { revision } from '@strata/engine';\nexport default revision({ id: 'bbbb00000002', parents: [ });\n");
    const error = await expectFailure(on(s, 'upgrade'), 'LOADER_MODULE_FAILED');
    expect(error.message).toContain(broken);
    expect(error.message).toMatch(/syntax error/i);
    expect(error.details['file']).toBe(broken);
    // It failed before connecting: the database file was never created.
    expect(existsSync(s.url.slice('file:'.length))).toBe(false);
  });

  it('a revision file without a default export: REVISION_INVALID naming the file', async () => {
    const s = stream();
    const file = join(s.dir, '20240101_0000_no_default.ts');
    writeFileSync(file, "import { revision } from '@strata/engine';\nexport const r = revision({ id: 'aaaa00000001', parents: [], upgrade() {}, downgrade() {} });\n");
    const error = await expectFailure(on(s, 'heads'), 'REVISION_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toContain('no default export');
    expect(error.hint).toContain('export');
  });

  it('a revision without an id: REVISION_INVALID naming the file and the field', async () => {
    const s = stream();
    const file = join(s.dir, '20240101_0000_no_id.ts');
    writeFileSync(file, "export default { parents: [], upgrade() {}, downgrade() {} };\n");
    const error = await expectFailure(on(s, 'upgrade'), 'REVISION_INVALID');
    expect(error.message).toContain(file);
    expect(error.message).toContain('`id` is missing');
  });

  it('a cycle in parents: REVISION_CYCLE naming the revisions', async () => {
    const s = stream();
    s.write([`${A}<-${C}`, `${B}<-${A}`, `${C}<-${B}`]);
    const error = await expectFailure(on(s, 'upgrade'), 'REVISION_CYCLE');
    for (const id of [A, B, C]) expect(error.message).toContain(id);
  });

  it('a missing parent: REVISION_MISSING_PARENT naming the revision, its file and the parent', async () => {
    const s = stream();
    const files = s.write([A, `${B}<-dead0000beef`]);
    const error = await expectFailure(on(s, 'upgrade'), 'REVISION_MISSING_PARENT');
    expect(error.message).toContain(B);
    expect(error.message).toContain(files[B]);
    expect(error.message).toContain('dead0000beef');
  });

  it('an unknown target: REVISION_UNKNOWN naming it, the ledger untouched', async () => {
    const s = stream();
    s.write([A, `${B}<-${A}`]);
    expect((await s.cli('upgrade', '+1')).code).toBe(0);
    const error = await expectFailure(on(s, 'upgrade', 'zzzz9999'), 'REVISION_UNKNOWN');
    expect(error.message).toContain('zzzz9999');
    expect(error.hint).toMatch(/strata history|strata heads/);
    const downError = await expectFailure(on(s, 'downgrade', 'zzzz9999'), 'REVISION_UNKNOWN');
    expect(downError.message).toContain('zzzz9999');
    const current = await s.cli('current', '--json');
    expect(jsonOf(current)).toMatchObject({ heads: [A] });
  });

  it('`head` with several heads: REVISION_MULTIPLE_HEADS naming them, with the merge command as hint', async () => {
    const s = stream();
    s.write([A, `${B}<-${A}`, `${C}<-${A}`]);
    const error = await expectFailure(on(s, 'upgrade', 'head'), 'REVISION_MULTIPLE_HEADS');
    expect(error.message).toContain(B);
    expect(error.message).toContain(C);
    expect(error.message).toContain('`heads`');
    expect(error.hint).toBe(`strata merge ${B} ${C} -m "merge heads"`);
    expect(error.details).toMatchObject({ heads: [B, C] });
    // `revision` on several heads has its own code, names them and asks for --head or a merge; nothing is written.
    const files = readdirSync(s.dir).sort();
    const revision = await expectFailure(on(s, 'revision', '-m', 'next'), 'REVISION_AMBIGUOUS_PARENT');
    expect(revision.message).toBe(`Stream "${s.name}" has 2 heads (${B} and ${C}); a new revision needs one parent.`);
    expect(revision.hint).toBe(`Pass --head <rev> to build on one of them (--head ${B}), or join them first with \`strata merge -m "merge heads"\`.`);
    expect(revision.details).toMatchObject({ heads: [B, C] });
    expect(readdirSync(s.dir).sort()).toEqual(files);
  });

  it('merge with a single head: REVISION_NOTHING_TO_MERGE, nothing written', async () => {
    const s = stream();
    s.write([A, `${B}<-${A}`]);
    const error = await expectFailure(on(s, 'merge', '-m', 'join'), 'REVISION_NOTHING_TO_MERGE');
    expect(error.message).toBe(`Nothing to merge in stream "${s.name}": only ${B} (the stream has a single head).`);
    expect(error.hint).toContain('`strata heads`');
    expect(readdirSync(s.dir)).toHaveLength(2);
  });

  it('--autogenerate without a Drizzle schema: AUTOGENERATE_NEEDS_DRIZZLE_SCHEMA naming the folder and the config keys', async () => {
    const s = stream();
    s.write([A]);
    const error = await expectFailure(on(s, 'revision', '--autogenerate', '-m', 'next'), 'AUTOGENERATE_NEEDS_DRIZZLE_SCHEMA');
    expect(error.message).toContain('drizzle.config.* with `schema` and `dialect`');
    expect(error.hint).toContain('without --autogenerate');
    expect(readdirSync(s.dir)).toHaveLength(1);
  });

  it('a missing revisions folder: LOADER_FOLDER_MISSING naming it', async () => {
    const s = stream();
    const missing = join(s.root, 'nope');
    const error = await expectFailure((json) => runCli(['heads', '--dir', missing, '--stream', 'x', ...(json ? ['--json'] : [])], { cwd: s.root }), 'LOADER_FOLDER_MISSING');
    expect(error.message).toContain(missing);
  });

  it('usage errors exit 2: unknown command, unknown option, downgrade without a target, too many arguments', async () => {
    const s = stream();
    s.write([A]);
    const unknownCommand = await expectFailure((json) => runCli(['frobnicate', ...(json ? ['--json'] : [])]), 'CLI_USAGE', 2);
    expect(unknownCommand.message).toContain('frobnicate');
    expect(unknownCommand.hint).toContain('upgrade');
    const unknownOption = await expectFailure(on(s, 'upgrade', '--frobnicate'), 'CLI_USAGE', 2);
    expect(unknownOption.message).toContain('--frobnicate');
    expect(unknownOption.hint).toContain('strata upgrade --help');
    const noTarget = await expectFailure(on(s, 'downgrade'), 'CLI_USAGE', 2);
    expect(noTarget.message).toContain('TARGET');
    expect(noTarget.hint).toContain('downgrade -1');
    const tooMany = await expectFailure(on(s, 'upgrade', 'head', 'heads'), 'CLI_USAGE', 2);
    expect(tooMany.message).toContain('Too many arguments');
    const badTimeout = await expectFailure(on(s, 'upgrade', '--lock-timeout', 'soon'), 'CLI_USAGE', 2);
    expect(badTimeout.message).toContain('soon');
    // None of them got as far as the database: the file was never created.
    expect(existsSync(s.url.slice('file:'.length))).toBe(false);
  });

  it('init: the folder and strata.config.json once; again, nothing; beside a drizzle.config, --url is CLI_INIT_DUPLICATE_SETTING', async () => {
    const project = join(temp.path, 'init');
    mkdirSync(project, { recursive: true });
    const first = await runCli(['init', '--dialect', 'sqlite', '--url', 'file:app.db', '--dir', 'revs'], { cwd: project });
    expect(first.code, describeRun(first)).toBe(0);
    expect(first.stdout).toContain(`Created ${join(project, 'revs')}\nCreated ${join(project, 'strata.config.json')}\nNext: \`strata revision -m "first revision"\`.`);
    expect(JSON.parse(readFileSync(join(project, 'strata.config.json'), 'utf8'))).toEqual({ dir: 'revs', dialect: 'sqlite', url: 'file:app.db' });
    const again = await runCli(['init', '--dir', 'revs', '--json'], { cwd: project });
    expect(again.code, describeRun(again)).toBe(0);
    expect(jsonOf(again)).toEqual({ folder: join(project, 'revs'), configFile: join(project, 'strata.config.json'), written: [] });

    const drizzle = join(temp.path, 'init-drizzle');
    mkdirSync(drizzle, { recursive: true });
    writeFileSync(join(drizzle, 'drizzle.config.mjs'), "export default { dialect: 'sqlite', dbCredentials: { url: 'file:d.db' } };\n");
    const error = await expectFailure((json) => runCli(['init', '--url', 'file:other.db', ...(json ? ['--json'] : [])], { cwd: drizzle }), 'CLI_INIT_DUPLICATE_SETTING');
    expect(error.message).toBe(`${join(drizzle, 'drizzle.config.mjs')} already gives the dialect and URL; strata does not record them twice.`);
    expect(readdirSync(drizzle)).toEqual(['drizzle.config.mjs']);
  });

  it('--help lists the commands and each command\'s options, exit 0', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const verb of ['init', 'revision', 'upgrade', 'downgrade', 'stamp', 'merge', 'current', 'history', 'heads', 'branches', 'show']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${verb} +\\S`, 'm'));
    }
    const upgrade = await runCli(['upgrade', '--help']);
    expect(upgrade.code).toBe(0);
    expect(upgrade.stdout).toContain('Usage: strata upgrade [TARGET]');
    for (const option of ['--allow-changed', '--url URL', '--dir DIR', '--stream NAME', '--lock-timeout MS', '--config FILE', '--json', '-h, --help']) {
      expect(upgrade.stdout).toContain(option);
    }
    const stamp = await runCli(['stamp', '--help']);
    expect(stamp.code).toBe(0);
    expect(stamp.stdout).toContain('--purge');
    // No command at all: the help, as a usage error.
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Usage: strata <command>');
  });

  it('the real binary exits 0, 1 and 2 as documented', async () => {
    const s = stream();
    s.write([A, `${B}<-${A}`, `${C}<-${A}`]);
    const help = await runBinary(['upgrade', '--help']);
    expect(help.code, describeRun(help)).toBe(0);
    expect(help.stdout).toContain('--allow-changed');
    const usage = await runBinary(['frobnicate']);
    expect(usage.code, describeRun(usage)).toBe(2);
    expect(usage.stderr).toContain('error CLI_USAGE: Unknown command "frobnicate"');
    const noTarget = await s.binary('downgrade');
    expect(noTarget.code, describeRun(noTarget)).toBe(2);
    const failure = await s.binary('upgrade', '--json');
    expect(failure.code, describeRun(failure)).toBe(1);
    expect(jsonOf<{ error: JsonError }>(failure).error.code).toBe('REVISION_MULTIPLE_HEADS');
    const ok = await s.binary('upgrade', 'heads');
    expect(ok.code, describeRun(ok)).toBe(0);
  });
});

describe('strata CLI: a SQLite database file that does not exist', () => {
  const temp = makeTempDir('cli-missing-file');
  let n = 0;
  afterAll(() => temp.remove());

  /** Idempotent, so that `strata test` passes on it. */
  const guarded = (id: string) => ({ upgrade: [`CREATE TABLE IF NOT EXISTS t_${id} (id integer PRIMARY KEY)`], downgrade: [`DROP TABLE IF EXISTS t_${id}`] });

  /** A stream of two revisions whose database file (`path`, in a folder that exists) is not there yet. */
  function missing(): { s: StreamFixture; path: string } {
    n += 1;
    const root = join(temp.path, `m${n}`);
    const path = join(root, 'typo.db');
    const s = new StreamFixture(root, `missing${n}`, `file:${path}`);
    s.write([A, `${B}<-${A}`], { [A]: guarded(A), [B]: guarded(B) });
    return { s, path };
  }

  const on = (s: StreamFixture, argv: readonly string[]) => (json: boolean) => s.cli(...argv, ...(json ? ['--json'] : []));

  it.each([
    [['current']],
    [['history', '-i']],
    [['history', '-r', 'current:']],
    [['history', '--applied']],
    [['check', '--db']],
    [['upgrade', '--dry-run']],
    [['pull', '--stdout']],
  ])('%j only reads: DIALECT_DATABASE_FILE_MISSING naming the path and the next step, and the file stays missing', async (argv) => {
    const { s, path } = missing();
    const error = await expectFailure(on(s, argv), 'DIALECT_DATABASE_FILE_MISSING');
    expect(error.message).toBe(`The SQLite database file ${path} (from ${error.details['url'] as string}) does not exist; this command only reads, so it was not created.`);
    expect(error.hint).toBe('Check the path in the URL; for a new database, run `strata upgrade` to create it.');
    expect(error.details).toMatchObject({ dialect: 'sqlite', path });
    expect(existsSync(path)).toBe(false);
  });

  it('a missing folder is a missing file too for a read: the same error, no folder made', async () => {
    const { s } = missing();
    const folder = join(s.root, 'no', 'such');
    const typo = new StreamFixture(s.root, s.name, `file:${join(folder, 'app.db')}`, s.dir);
    const error = await expectFailure(on(typo, ['current']), 'DIALECT_DATABASE_FILE_MISSING');
    expect(error.details['path']).toBe(join(folder, 'app.db'));
    expect(existsSync(join(s.root, 'no'))).toBe(false);
  });

  it.each([[['upgrade']], [['stamp', 'head']], [['downgrade', 'base']], [['test', '--url']]])('%j writes: it creates the file, as before', async (argv) => {
    const { s, path } = missing();
    // `test --url` takes the URL as its own argument (an empty database it may change).
    const run = argv[0] === 'test' ? await runCli(['test', '--url', s.url, '--dir', s.dir, '--stream', s.name], { cwd: s.root }) : await s.cli(...argv);
    expect(run.code, describeRun(run)).toBe(0);
    expect(existsSync(path)).toBe(true);
    // ...after which the reads answer.
    const current = await s.cli('current', '--json');
    expect(current.code, describeRun(current)).toBe(0);
  });

  it('the migration test on its own scratch file, and an in-memory URL, still work', async () => {
    const { s } = missing();
    const scratch = await runCli(['test', '--dir', s.dir, '--stream', s.name, '--dialect', 'sqlite'], { cwd: s.root });
    expect(scratch.code, describeRun(scratch)).toBe(0);
    const memory = await runCli(['current', '--url', ':memory:', '--dir', s.dir, '--stream', s.name, '--json'], { cwd: s.root });
    expect(memory.code, describeRun(memory)).toBe(0);
    expect(jsonOf(memory)).toMatchObject({ stream: s.name, heads: [] });
  });
});

/** Every place a password could leak: both streams of both runs (text and --json). */
function expectNoSecret(runs: readonly CliRun[], secrets: readonly string[]): void {
  for (const run of runs) {
    for (const secret of secrets) {
      expect(run.stdout, 'stdout leaks the password').not.toContain(secret);
      expect(run.stderr, 'stderr leaks the password').not.toContain(secret);
    }
  }
}

/** Runs `argv` as text and with --json on a throwaway project; returns both runs. */
async function bothWays(root: string, argv: readonly string[]): Promise<[CliRun, CliRun]> {
  return [await runCli([...argv], { cwd: root }), await runCli([...argv, '--json'], { cwd: root })];
}

/** Checks the pair: exit 1, the code in both, the `***` mask in the message, the secrets nowhere. */
function expectMaskedError(runs: [CliRun, CliRun], code: string, secrets: readonly string[]): JsonError {
  const [human, machine] = runs;
  expect(human.code, describeRun(human)).toBe(1);
  expect(human.stderr).toContain(`error ${code}: `);
  expect(human.stderr).toMatch(/^hint: \S/m);
  expect(machine.code, describeRun(machine)).toBe(1);
  const error = jsonOf<{ error: JsonError }>(machine).error;
  expect(error.code).toBe(code);
  expect(error.message).toContain(':***@');
  expectNoSecret(runs, secrets);
  return error;
}

describe('strata CLI: unreachable servers', () => {
  const temp = makeTempDir('cli-unreachable');
  afterAll(() => temp.remove());

  it.each([
    ['postgres', 'DIALECT_CONNECTION_REFUSED'],
    ['mysql', 'DIALECT_CONNECTION_REFUSED'],
  ])('%s on port 1: %s, password masked', async (scheme, code) => {
    const secret = `Port1-${randomBytes(4).toString('hex')}`;
    const s = new StreamFixture(temp.path, `unreachable-${scheme}`, `${scheme}://someone:${secret}@127.0.0.1:1/appdb`);
    writeRevision(s.dir, { id: A });
    const runs = await bothWays(temp.path, ['upgrade', ...s.flags()]);
    const error = expectMaskedError(runs, code, [secret]);
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.hint).toMatch(/server|host and port/);
    // current connects too, read-only: same error.
    const [current] = await bothWays(temp.path, ['current', ...s.flags()]);
    expect(current.code).toBe(1);
    expect(current.stderr).toContain(code);
    expectNoSecret([current], [secret]);
  });

  it('a SQLite file in a folder that does not exist: DIALECT_SQLITE_CANNOT_OPEN naming the path', async () => {
    const path = join(temp.path, 'no', 'such', 'folder', 'app.db');
    const s = new StreamFixture(temp.path, 'sqlite-missing', `file:${path}`);
    writeRevision(s.dir, { id: A });
    const [human, machine] = await bothWays(temp.path, ['upgrade', ...s.flags()]);
    expect(human.code, describeRun(human)).toBe(1);
    expect(human.stderr).toContain('error DIALECT_SQLITE_CANNOT_OPEN');
    const error = jsonOf<{ error: JsonError }>(machine).error;
    expect(error.code).toBe('DIALECT_SQLITE_CANNOT_OPEN');
    expect(error.message).toContain(path);
  });
});

await describeDialects('strata CLI: credentials never shown', (ctx) => {
  const temp = makeTempDir(`cli-creds-${ctx.name}`);
  afterAll(() => temp.remove());

  if (ctx.name === 'mysql') {
    const serverUrl = testDatabases().find((t) => t.dialect === 'mysql')?.serverUrl as string;
    const user = `strata_t_u${process.pid}_${randomBytes(3).toString('hex')}`;
    const rightPassword = `Right-${randomBytes(6).toString('hex')}`;
    const wrongPassword = `Wr0ng-${randomBytes(6).toString('hex')}`;
    let dbUrl: URL;

    beforeAll(async () => {
      const db = await ctx.createDatabase('creds');
      await withConnection(ctx.dialect, serverUrl, async (c) => {
        await c.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${rightPassword}'`);
        await c.query(`GRANT ALL PRIVILEGES ON ${ctx.dialect.quoteIdentifier(db.name)}.* TO '${user}'@'%'`);
      });
      dbUrl = new URL(db.url);
      dbUrl.username = user;
    });
    afterAll(async () => {
      await withConnection(ctx.dialect, serverUrl, (c) => c.query(`DROP USER IF EXISTS '${user}'@'%'`));
    });

    it('a wrong password: DIALECT_AUTHENTICATION_FAILED naming the user, neither password anywhere', async () => {
      const dir = join(temp.path, 'wrong-pw', 'migrations');
      writeRevision(dir, { id: A });
      const wrong = new URL(dbUrl);
      wrong.password = wrongPassword;
      const runs = await bothWays(temp.path, ['upgrade', '--url', wrong.toString(), '--dir', dir, '--stream', 'creds']);
      const error = expectMaskedError(runs, 'DIALECT_AUTHENTICATION_FAILED', [wrongPassword, rightPassword]);
      expect(error.message).toContain(user);
      expect(error.hint).toMatch(/password/);

      // The right password works, so the failure above was the password and nothing else.
      const right = new URL(dbUrl);
      right.password = rightPassword;
      const ok = await runCli(['upgrade', '--url', right.toString(), '--dir', dir, '--stream', 'creds'], { cwd: temp.path });
      expect(ok.code, describeRun(ok)).toBe(0);
      expectNoSecret([ok], [rightPassword]);
    });

    it('a server URL with no database: DIALECT_NO_DATABASE with the fix, password masked', async () => {
      const dir = join(temp.path, 'no-database', 'migrations');
      writeRevision(dir, { id: A });
      const noDatabase = new URL(dbUrl);
      noDatabase.password = rightPassword;
      noDatabase.pathname = '';
      const runs = await bothWays(temp.path, ['upgrade', '--url', noDatabase.toString(), '--dir', dir, '--stream', 'nodb']);
      const error = expectMaskedError(runs, 'DIALECT_NO_DATABASE', [rightPassword]);
      expect(error.message).toContain('names no database');
      expect(error.hint).toContain('/<database>');
      expect(error.hint).toContain('strata test --server');
    });
  }

  if (ctx.name === 'postgresql') {
    it('a password in the URL of a database that does not exist: DIALECT_UNKNOWN_DATABASE, password masked', async () => {
      const serverUrl = testDatabases().find((t) => t.dialect === 'postgresql')?.serverUrl as string;
      const secret = `Pg-${randomBytes(6).toString('hex')}`;
      const url = new URL(serverUrl);
      url.password = secret;
      const missing = `strata_t_missing_${process.pid}_${randomBytes(3).toString('hex')}`;
      url.pathname = `/${missing}`;
      const s = new StreamFixture(temp.path, 'pg-missing', url.toString());
      writeRevision(s.dir, { id: A });
      const runs = await bothWays(temp.path, ['upgrade', ...s.flags()]);
      const error = expectMaskedError(runs, 'DIALECT_UNKNOWN_DATABASE', [secret]);
      expect(error.message).toContain(missing);
      expect(error.hint).toContain(`createdb ${missing}`);
    });
  }

  if (ctx.name === 'sqlite') {
    it('a SQLite URL carries no password; a file that is not a database is named', async () => {
      const path = join(temp.path, 'not-a-db.db');
      writeFileSync(path, 'this is not a sqlite database, just text '.repeat(20));
      const s = new StreamFixture(temp.path, 'sqlite-garbage', `file:${path}`);
      writeRevision(s.dir, { id: A });
      const [human, machine] = await bothWays(temp.path, ['upgrade', ...s.flags()]);
      expect(human.code, describeRun(human)).toBe(1);
      expect(human.stderr).toContain('error DIALECT_SQLITE_CANNOT_OPEN');
      expect(jsonOf<{ error: JsonError }>(machine).error.message).toContain(path);
    });
  }
}, ALL_TARGETS);
