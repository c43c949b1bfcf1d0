import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects, testDatabases, type TestDatabase } from '../support/databases.js';
import { StreamFixture, describeRun, jsonOf, makeTempDir, withConnection, type CliRun } from '../support/streams.js';

interface JsonError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly details: Record<string, unknown>;
}

/** The grant a permission error carries: the error itself, or the cause a failed revision names. */
function grantOf(run: CliRun): { code: string; causeCode: unknown; grant: string } {
  const error = jsonOf<{ error: JsonError }>(run).error;
  const grant = /\((GRANT [^)]*?;|ALTER [^)]*?;)\)/.exec(error.hint ?? '')?.[1];
  expect(grant, `a GRANT/ALTER statement in the hint: ${JSON.stringify(error)}`).toBeDefined();
  return { code: error.code, causeCode: error.details['causeCode'], grant: grant as string };
}

// A role with no right to change the schema: every refusal names the privilege and the statement that
// grants it, and running exactly those statements (as an administrator) is all it takes to reach head.
// SQLite has no roles; a file it cannot write is the OS's business (and root writes any file).
await describeDialects('strata CLI: a role without the privileges a migration needs (issue 11, #7)', (ctx) => {
  const temp = makeTempDir(`permissions-${ctx.name}`);
  const serverUrl = testDatabases().find((t) => t.dialect === ctx.name)?.serverUrl as string;
  const user = `strata_t_ro_${process.pid}_${randomBytes(3).toString('hex')}`;
  let db: TestDatabase;
  let userUrl: string;

  beforeAll(async () => {
    db = await ctx.createDatabase('perm');
    if (ctx.name === 'postgresql') {
      await withConnection(ctx.dialect, serverUrl, (c) => c.query(`CREATE ROLE ${user} LOGIN`));
      // PostgreSQL 15+ already gives PUBLIC no CREATE on public; older servers do, so take it away.
      await withConnection(ctx.dialect, db.url, (c) => c.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC'));
    } else {
      await withConnection(ctx.dialect, serverUrl, async (c) => {
        await c.query(`CREATE USER '${user}'@'%'`);
        await c.query(`GRANT SELECT ON ${ctx.dialect.quoteIdentifier(db.name)}.* TO '${user}'@'%'`);
      });
    }
    const url = new URL(db.url);
    url.username = user;
    url.password = '';
    userUrl = url.toString();
  });
  afterAll(async () => {
    await db.drop();
    await withConnection(ctx.dialect, serverUrl, (c) => c.query(ctx.name === 'postgresql' ? `DROP ROLE IF EXISTS ${user}` : `DROP USER IF EXISTS '${user}'@'%'`));
    temp.remove();
  });

  it('each refusal is DIALECT_PERMISSION_DENIED (or a failed revision caused by it) with the grant that fixes it', async () => {
    const s = new StreamFixture(temp.path, 'perm', userUrl);
    // Guarded as a real revision is: on MySQL the DDL stays done when the ledger write after it is refused.
    s.write(['aaaa00000001'], { aaaa00000001: { upgrade: ['CREATE TABLE IF NOT EXISTS t_aaaa00000001 (id integer PRIMARY KEY)'] } });
    const grants: string[] = [];
    for (let attempt = 0; attempt < 12; attempt += 1) {
      const run = await s.cli('upgrade', 'head', '--json');
      if (run.code === 0) break;
      expect(run.code, describeRun(run)).toBe(1);
      const { code, causeCode, grant } = grantOf(run);
      expect(code === 'DIALECT_PERMISSION_DENIED' || (code === 'RUNNER_REVISION_FAILED' && causeCode === 'DIALECT_PERMISSION_DENIED'), describeRun(run)).toBe(true);
      expect(grants, `the same grant twice means it did not help: ${grant}`).not.toContain(grant);
      grants.push(grant);
      expect(grant).toContain(ctx.name === 'postgresql' ? `"${user}"` : `'${user}'@'%'`);
      await withConnection(ctx.dialect, db.url, (c) => c.query(grant));
    }
    expect(grants.length, 'the role started without privileges, so at least one grant was needed').toBeGreaterThan(0);
    const current = await s.cli('current', '--json');
    expect(current.code, describeRun(current)).toBe(0);
    expect(current.stdout).toContain('aaaa00000001');
  });

  if (ctx.name === 'postgresql') {
    it('altering a table another role owns names ownership, and the ALTER … OWNER TO it gives', async () => {
      const owned = new StreamFixture(temp.path, 'owned', db.url);
      owned.write(['bbbb00000001']);
      const first = await owned.cli('upgrade', 'head');
      expect(first.code, describeRun(first)).toBe(0);
      const s = new StreamFixture(temp.path, 'owned', userUrl, owned.dir);
      s.write(['cccc00000002'], { cccc00000002: { parents: ['bbbb00000001'], upgrade: ['ALTER TABLE t_bbbb00000001 ADD COLUMN note text'], downgrade: [] } });
      await withConnection(ctx.dialect, db.url, (c) => c.query(`GRANT ALL ON strata_version, strata_history TO ${user}`));
      const refused = await s.cli('upgrade', 'head', '--json');
      expect(refused.code, describeRun(refused)).toBe(1);
      const error = jsonOf<{ error: JsonError }>(refused).error;
      expect(error.code).toBe('RUNNER_REVISION_FAILED');
      expect(error.details['causeCode']).toBe('DIALECT_PERMISSION_DENIED');
      expect(error.message).toContain('The statement needs ownership of table t_bbbb00000001');
      const { grant } = grantOf(refused);
      expect(grant).toBe(`ALTER TABLE t_bbbb00000001 OWNER TO "${user}";`);
      await withConnection(ctx.dialect, db.url, (c) => c.query(grant));
      const ok = await s.cli('upgrade', 'head');
      expect(ok.code, describeRun(ok)).toBe(0);
    });
  }
}, ['postgresql', 'mysql']);
