import { afterAll, expect, it } from 'vitest';
import { describeDialects } from '../support/databases.js';
import { writeOpsStream } from '../support/schema.js';
import { StreamFixture, describeRun, makeTempDir, versionRows, withConnection } from '../support/streams.js';

// Issue 11 #3: names longer than the server's limit. PostgreSQL cuts them to 63 bytes without a word;
// the ops, the guards and the model name the object by the cut name, so a re-run finds it. MySQL
// refuses them: Strata refuses first, with a code and a name that fits.
const LONG_INDEX = `ix_subscription_events_${'customer_billing_period_'.repeat(2)}started_at`;
const LONG_FK = `fk_subscription_events_${'customer_account_'.repeat(3)}id_accounts_id`;
const A = 'aaaa0000a001';
const B = 'bbbb0000b002';

function writeRevisions(dir: string): void {
  writeOpsStream(dir, [
    {
      id: A,
      message: 'accounts and subscription events',
      upgrade: `if (!(await inspect.hasTable('accounts'))) await op.createTable('accounts', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
if (!(await inspect.hasTable('subscription_events'))) await op.createTable('subscription_events', { columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'account_id', type: 'integer' }, { name: 'started_at', type: 'integer' }] });`,
      downgrade: `if (await inspect.hasTable('subscription_events')) await op.dropTable('subscription_events');
if (await inspect.hasTable('accounts')) await op.dropTable('accounts');`,
    },
    {
      id: B,
      message: 'long names',
      upgrade: `if (!(await inspect.hasIndex('subscription_events', { name: '${LONG_INDEX}', columns: ['account_id', 'started_at'] }))) await op.createIndex('${LONG_INDEX}', 'subscription_events', ['account_id', 'started_at']);
if (!(await inspect.hasForeignKey('subscription_events', '${LONG_FK}'))) await op.createForeignKey('${LONG_FK}', 'subscription_events', 'accounts', ['account_id'], ['id']);`,
      downgrade: `if (await inspect.hasForeignKey('subscription_events', '${LONG_FK}')) await op.dropForeignKey('${LONG_FK}', 'subscription_events');
if (await inspect.hasIndex('subscription_events', '${LONG_INDEX}')) await op.dropIndex('${LONG_INDEX}', 'subscription_events');`,
    },
  ]);
}

await describeDialects('identifier limits', (ctx) => {
  const temp = makeTempDir(`identifier-limits-${ctx.name}`);
  afterAll(() => temp.remove());

  it('a name past the limit is cut as the server cuts it (PostgreSQL), refused with one that fits (MySQL), kept whole (SQLite)', async () => {
    expect(Buffer.byteLength(LONG_INDEX)).toBeGreaterThan(64);
    expect(Buffer.byteLength(LONG_FK)).toBeGreaterThan(64);
    const db = await ctx.createDatabase('idlimits');
    const s = new StreamFixture(temp.path, 'idlimits-app', db.url);
    writeRevisions(s.dir);

    const first = await s.cli('upgrade', 'head');
    if (ctx.name === 'mysql') {
      expect(first.code, describeRun(first)).not.toBe(0);
      // The revision fails before the statement goes out, with the limit and a name that fits.
      expect(first.stderr).toContain(`allows identifiers of at most 64 characters; "${LONG_INDEX}" is longer`);
      expect(first.stderr).toContain('hint: Give the object a shorter name, for example');
      const json = await s.cli('upgrade', 'head', '--json');
      expect(json.stdout + json.stderr).toContain('DIALECT_IDENTIFIER_TOO_LONG');
      expect(await versionRows(ctx.dialect, db.url, s.name)).toEqual([A]);
      return;
    }
    expect(first.code, describeRun(first)).toBe(0);
    const cut = (name: string) => (ctx.name === 'postgresql' ? Buffer.from(name).subarray(0, 63).toString() : name);
    const names = await withConnection(ctx.dialect, db.url, async (connection) => {
      const model = await ctx.dialect.readSchema(connection);
      const table = model.tables.get('subscription_events');
      return { indexes: table?.indexes.map((index) => index.name), foreignKeys: table?.foreignKeys.map((key) => key.name) };
    });
    expect(names.indexes).toEqual([cut(LONG_INDEX)]);
    expect(names.foreignKeys).toEqual([cut(LONG_FK)]);

    // Stamped one back, the guarded revision runs again: its guards find the cut names and skip.
    const stamp = await s.cli('stamp', A);
    expect(stamp.code, describeRun(stamp)).toBe(0);
    const again = await s.cli('upgrade', 'head');
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stderr).not.toContain('already exists');

    // And the downgrade finds them by the long names the revision gives.
    const down = await s.cli('downgrade', A);
    expect(down.code, describeRun(down)).toBe(0);
    const after = await withConnection(ctx.dialect, db.url, async (connection) => (await ctx.dialect.readSchema(connection)).tables.get('subscription_events'));
    expect(after?.indexes).toEqual([]);
    expect(after?.foreignKeys).toEqual([]);
    expect(await versionRows(ctx.dialect, db.url, s.name)).toEqual([A]);
  });
}, ['postgresql', 'mysql', 'sqlite', 'pglite']);
