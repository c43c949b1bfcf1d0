import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeDialects, type TestDatabase } from '../support/databases.js';
import { ENGINE_DIR, historyRows, makeTempDir, versionRows, withConnection, writeRevision, type CliRun } from '../support/streams.js';

// Issue 12 #10: a service that migrates its database when it starts (`upgradeStream` from the built
// engine, as a deployed service imports it), started as 4 replicas at once. The migration lock must
// let exactly one of them apply each revision while the others wait and then find nothing to do.
const REPLICAS = 4;
const STREAM = 'orders';
const CUSTOMERS = 'a0000000c001';
const ORDERS = 'a0000000c002';
const STATUS = 'a0000000c003';

/** The revisions of the service's stream: customers, orders (a foreign key to customers, an index), orders.status. */
function writeStream(dir: string): void {
  // The first revision sleeps first, so that every replica reaches the lock while it runs.
  writeRevision(dir, {
    id: CUSTOMERS,
    message: 'create customers',
    sleepMs: 1500,
    upgrade: ['CREATE TABLE customers (id integer PRIMARY KEY, email varchar(200) NOT NULL)'],
    downgrade: ['DROP TABLE customers'],
  });
  writeRevision(dir, {
    id: ORDERS,
    parents: [CUSTOMERS],
    message: 'create orders',
    upgrade: [
      'CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, FOREIGN KEY (customer_id) REFERENCES customers (id))',
      'CREATE INDEX orders_customer_idx ON orders (customer_id)',
    ],
    downgrade: ['DROP TABLE orders'],
  });
  writeRevision(dir, {
    id: STATUS,
    parents: [ORDERS],
    message: 'add orders status',
    upgrade: ["ALTER TABLE orders ADD COLUMN status varchar(20) NOT NULL DEFAULT 'open'"],
    downgrade: ['ALTER TABLE orders DROP COLUMN status'],
  });
}

/** The service's start-up script, as the README's "Deploying" section shows it, importing the built engine. */
function startupScript(): string {
  const engine = pathToFileURL(join(ENGINE_DIR, 'dist', 'index.js')).href;
  return [
    `import { redactUrl, upgradeStream } from ${JSON.stringify(engine)};`,
    '',
    'try {',
    '  const { settings, steps } = await upgradeStream({ cwd: import.meta.dirname });',
    '  console.log(JSON.stringify({ url: redactUrl(settings.url), applied: steps.map((step) => step.revision) }));',
    '} catch (error) {',
    '  console.error(`${error.code ?? error.name}: ${error.message}`);',
    '  process.exit(1);',
    '}',
    '',
  ].join('\n');
}

/** Runs `node start.mjs` in the project folder, the database URL in the environment as a deployment sets it. */
function startReplica(projectDir: string, url: string): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(projectDir, 'start.mjs')], {
      cwd: projectDir,
      env: { ...process.env, STRATA_DATABASE_URL: url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

await describeDialects('service start-up with upgradeStream', (ctx) => {
  let db: TestDatabase;
  const project = makeTempDir('startup');
  beforeAll(async () => {
    db = await ctx.createDatabase('startup');
    writeStream(join(project.path, 'migrations'));
    writeFileSync(join(project.path, 'strata.config.json'), JSON.stringify({ stream: STREAM, dialect: ctx.name }));
    writeFileSync(join(project.path, 'start.mjs'), startupScript());
  });
  afterAll(() => project.remove());

  it(`${REPLICAS} replicas starting at once: all start, each revision is applied once, the schema is at head`, { timeout: 180_000 }, async () => {
    const runs = await Promise.all(Array.from({ length: REPLICAS }, () => startReplica(project.path, db.url)));
    for (const run of runs) expect(run.code, `exit ${run.code}\n${run.stdout}\n${run.stderr}`).toBe(0);

    // One replica applied the three revisions (under the lock); the others found nothing to do.
    const applied = runs.map((run) => (JSON.parse(run.stdout) as { applied: string[] }).applied);
    expect(applied.flat().sort()).toEqual([CUSTOMERS, ORDERS, STATUS]);
    expect(applied.filter((ids) => ids.length > 0)).toEqual([[CUSTOMERS, ORDERS, STATUS]]);

    const history = await historyRows(ctx.dialect, db.url, STREAM);
    expect(history.map((row) => [row.revision, row.direction])).toEqual([
      [CUSTOMERS, 'up'],
      [ORDERS, 'up'],
      [STATUS, 'up'],
    ]);
    expect(await versionRows(ctx.dialect, db.url, STREAM)).toEqual([STATUS]);

    const schema = await withConnection(ctx.dialect, db.url, (connection) => ctx.dialect.readSchema(connection));
    const customers = schema.tables.get('customers');
    const orders = schema.tables.get('orders');
    expect(customers?.columns.map((column) => column.name)).toEqual(['id', 'email']);
    expect(orders?.columns.map((column) => column.name)).toEqual(['id', 'customer_id', 'status']);
    expect(orders?.foreignKeys.map((fk) => [fk.columns, fk.referencedTable, fk.referencedColumns])).toEqual([[['customer_id'], 'customers', ['id']]]);
    expect(orders?.indexes.map((index) => index.name)).toContain('orders_customer_idx');
  });
});
