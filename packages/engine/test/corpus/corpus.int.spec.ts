import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStream } from '../../src/autogenerate/check.js';
import { planGeneratedRevision, type RenameHints } from '../../src/autogenerate/generate.js';
import { writeGeneratedRevision } from '../../src/autogenerate/write-generated.js';
import { loadDialect } from '../../src/dialects/registry.js';
import { withConnection } from '../../src/dialects/connection.js';
import { generateDrizzleSnapshot } from '../../src/schema/drizzle-adapter.js';
import { emptySchema } from '../../src/schema/model.js';
import { describeDialects, type TestDatabase } from '../support/databases.js';
import { ApiStream, loadGraph, makeTempDir, plainSchema } from '../support/schema.js';

/**
 * A corpus of realistic application schemas, each evolved through several steps, judged the way a
 * user would judge `strata revision --autogenerate` + `strata upgrade` (DESIGN "Drift is judged by
 * reading schemas back"). Each app lives in `corpus/<dialect>/<app>/`:
 *
 * - `step-<n>.ts`: the Drizzle schema at step n (a whole file, as the app has it then);
 * - `hints-<n>.json`: rename hints for step n (`{ "columns": { "table.old": "new" }, "tables": {…} }`);
 * - `seed-<n>.sql`: rows inserted once step n is applied and checked; `expect-<n>.json` (`{ "sql", "rows" }`): a
 *   query run right after step n's upgrade (and again after its down/up round trip) and the rows it
 *   must return, as strings: data seeded at earlier steps survived;
 * - `expected-failures.json`: `{ "expectedFailures": { "step-<n>/<check>": "<root cause id>" },
 *   "downgradeKeepsEnums": [n…] }`. A listed check must still FAIL (so it turns red the day the engine
 *   is fixed, and the marker is removed); root causes are described in KNOWN-FAILURES.md.
 *
 * Per step n, on database X migrated step by step (one generated revision per step):
 * - `upgrade`: the generated revision applies (strict), the expected rows are there;
 * - `oracle`: X reads back exactly as Z, a database where the same step schema was created from empty
 *   by drizzle-kit's own SQL (`generateMigration(empty, snapshot)`), independent of Strata;
 * - `check-db`: `strata check --db` (checkStream with the database) finds no drift and nothing unguarded;
 * - `no-changes`: autogenerate right after gives no operations;
 * - `down-up`: `downgrade -1` reads back as X did at step n-1; upgrade again reads back as step n;
 *   stamp one back and upgrade: no guard difference, same catalog.
 * A step whose upgrade failed leaves the later steps of the app skipped ("blocked").
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = join(HERE, 'corpus');
const FIXED_DATE = new Date('2024-06-01T12:00:00Z');
const CHECKS = ['upgrade', 'oracle', 'check-db', 'no-changes', 'down-up'] as const;
type Check = (typeof CHECKS)[number];

interface Markers {
  readonly expectedFailures?: Readonly<Record<string, string>>;
  readonly downgradeKeepsEnums?: readonly number[];
}

interface Step {
  readonly n: number;
  readonly schema: string;
  readonly hints?: RenameHints;
  readonly seed?: string;
  readonly expected?: { readonly sql: string; readonly rows: readonly (readonly string[])[] };
}

interface App {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly markers: Markers;
}

function appsOf(dialect: string): App[] {
  const root = join(CORPUS, dialect);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name): App => {
      const dir = join(root, name);
      const optional = (file: string): string | undefined => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined);
      const numbers = readdirSync(dir)
        .map((file) => /^step-(\d+)\.ts$/.exec(file)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
      const steps = numbers.map((n): Step => {
        const hints = optional(`hints-${n}.json`);
        const seed = optional(`seed-${n}.sql`);
        const expected = optional(`expect-${n}.json`);
        return {
          n,
          schema: join(dir, `step-${n}.ts`),
          ...(hints === undefined ? {} : { hints: JSON.parse(hints) as RenameHints }),
          ...(seed === undefined ? {} : { seed }),
          ...(expected === undefined ? {} : { expected: JSON.parse(expected) as Step['expected'] }),
        };
      });
      const markers = optional('expected-failures.json');
      return { name, steps, markers: markers === undefined ? {} : (JSON.parse(markers) as Markers) };
    });
}

/** Fixed ids per app and step, so the generated files are the same on every run. */
function revisionId(app: string, n: number): string {
  let hash = 0;
  for (const char of app) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${hash.toString(16).padStart(8, '0').slice(-8)}c${String(n).padStart(3, '0')}`;
}

interface DrizzleKitPgApi {
  generateDrizzleJson(imports: Record<string, unknown>): unknown;
  generateMigration(prev: unknown, cur: unknown): Promise<string[]>;
}

/** drizzle-kit's own SQL to create `schemaFile` from empty (what `drizzle-kit generate` writes for a first migration). */
async function drizzleKitSql(schemaFile: string): Promise<string[]> {
  const api = (await import('drizzle-kit/api')) as unknown as DrizzleKitPgApi;
  const empty = api.generateDrizzleJson({});
  const snapshot = await generateDrizzleSnapshot({ dialect: 'postgresql', schemaFiles: [schemaFile] });
  return api.generateMigration(empty, snapshot);
}

await describeDialects('corpus of evolving application schemas', (ctx) => {
  if (ctx.name !== 'postgresql') {
    it.skip('the corpus is PostgreSQL-only for now (its schemas use pg-core)', () => undefined);
    return;
  }
  const apps = appsOf(ctx.name);
  it('has apps with five or more steps each', () => {
    expect(apps.length).toBeGreaterThanOrEqual(5);
    for (const app of apps) expect(app.steps.length, app.name).toBeGreaterThanOrEqual(6);
  });

  for (const app of apps) {
    describe(app.name, () => {
      const temp = makeTempDir(`corpus-${app.name}`);
      const dir = join(temp.path, 'migrations');
      mkdirSync(dir, { recursive: true });
      let x: TestDatabase;
      let z: TestDatabase;
      /** The catalog X read back after each step (0: empty). */
      const catalogs = new Map<number, ReturnType<typeof plainSchema>>([[0, plainSchema(emptySchema())]]);
      /** Set when a step's upgrade failed: the later steps cannot run on X. */
      let blockedBy: string | undefined;
      const stream = (): ApiStream => new ApiStream(ctx.dialect, x.url, dir, app.name);
      const live = async (url: string) => plainSchema(await withConnection(ctx.dialect, url, (c) => ctx.dialect.readSchema(c)));

      beforeAll(async () => {
        [x, z] = await Promise.all([ctx.createDatabase(`corpus_x_${app.name}`), ctx.createDatabase(`corpus_z_${app.name}`)]);
      });
      afterAll(() => temp.remove());

      /**
       * Declares one check of one step. A check named in expected-failures.json must still fail:
       * its error is the evidence (printed); a pass fails the test, telling to remove the marker.
       */
      const check = (step: Step, name: Check, body: () => Promise<void>): void => {
        const key = `step-${step.n}/${name}`;
        const cause = app.markers.expectedFailures?.[key];
        it(cause === undefined ? key : `${key} (expected failure: ${cause})`, async (test) => {
          if (blockedBy !== undefined) test.skip(`blocked: ${blockedBy} failed, X is not at this step`);
          if (cause === undefined) return body();
          let error: unknown;
          try {
            await body();
          } catch (caught) {
            error = caught;
          }
          if (error === undefined) {
            throw new Error(`${app.name} ${key} passes now: remove its expectedFailure marker (${cause}) and its KNOWN-FAILURES.md entry if no step still fails from it`);
          }
          const text = error instanceof Error ? error.message : String(error);
          console.info(`[corpus] ${app.name} ${key} still fails (${cause}): ${text.split('\n').slice(0, 12).join('\n')}`);
        });
      };

      for (const step of app.steps) {
        describe(`step ${step.n}`, () => {
          const id = revisionId(app.name, step.n);
          const keepsEnums = app.markers.downgradeKeepsEnums?.includes(step.n) === true;

          check(step, 'upgrade', async () => {
            try {
              // The previous step's rows go in once all its checks ran (its down/up round trip would drop them).
              const previous = app.steps.find((candidate) => candidate.n === step.n - 1);
              if (previous?.seed !== undefined) await stream().script(previous.seed);
              const plan = await planGeneratedRevision({
                dialect: ctx.name,
                graph: loadGraph(dir),
                schemaFiles: [step.schema],
                stream: app.name,
                ...(step.hints ? { renames: { tables: step.hints.tables ?? {}, columns: step.hints.columns ?? {} } } : {}),
              });
              expect(plan.upgrade.length, `step ${step.n} gives no operations`).toBeGreaterThan(0);
              writeGeneratedRevision(dir, {
                id,
                createdAt: FIXED_DATE,
                parents: plan.parents,
                message: `${app.name} step ${step.n}`,
                upgrade: plan.upgrade,
                downgrade: plan.downgrade,
                destructive: plan.destructive,
              });
              const result = await stream().upgrade('head', { strict: true });
              expect(result.steps.map((s) => s.revision)).toEqual([id]);
              if (step.expected !== undefined) expect(await rowsOf(stream(), step.expected.sql)).toEqual(step.expected.rows);
              catalogs.set(step.n, await live(x.url));
            } catch (error) {
              blockedBy = `step-${step.n}/upgrade`;
              throw error;
            }
          });

          check(step, 'oracle', async () => {
            await withConnection(ctx.dialect, z.url, (c) => c.executeScript('DROP SCHEMA public CASCADE; CREATE SCHEMA public;'));
            const statements = await drizzleKitSql(step.schema);
            await withConnection(ctx.dialect, z.url, async (c) => {
              for (const sql of statements) await c.executeScript(sql);
            });
            expect(await live(x.url), 'X (migrated by Strata) vs Z (drizzle-kit SQL from empty)').toEqual(await live(z.url));
          });

          check(step, 'check-db', async () => {
            const findings = await checkStream({ stream: app.name, dialect: ctx.name, graph: loadGraph(dir), schemaFiles: [step.schema], database: { url: x.url } });
            // `schema-not-generated` is the no-changes check's subject; here: drift and unguarded operations.
            expect(findings.filter((finding) => finding.kind !== 'schema-not-generated')).toEqual([]);
          });

          check(step, 'no-changes', async () => {
            const plan = await planGeneratedRevision({ dialect: ctx.name, graph: loadGraph(dir), schemaFiles: [step.schema], stream: app.name });
            expect(plan.upgrade, 'a second autogenerate right after gives "No changes"').toEqual([]);
          });

          check(step, 'down-up', async () => {
            const before = catalogs.get(step.n - 1);
            const after = catalogs.get(step.n);
            expect(before, `the catalog of step ${step.n - 1} was not recorded`).toBeDefined();
            expect(after).toBeDefined();
            // On a copy of X (CREATE DATABASE … TEMPLATE), so that a failing round trip leaves X at this step for the next ones.
            const copy = await cloneDatabase(x, `w${step.n}`);
            try {
              const s = new ApiStream(ctx.dialect, copy.url, dir, app.name);
              await s.downgrade('-1', { strict: true });
              const down = await live(copy.url);
              if (keepsEnums) {
                // Limitation: PostgreSQL cannot drop an enum value; the downgrade keeps the values added.
                expect(down.tables, `downgrade -1 reads back as step ${step.n - 1} (tables)`).toEqual(before?.tables);
              } else {
                expect(down, `downgrade -1 reads back as step ${step.n - 1}`).toEqual(before);
              }
              await s.upgrade('head', { strict: true });
              expect(await live(copy.url), 'upgrade after downgrade').toEqual(after);
              if (step.expected !== undefined) expect(await rowsOf(s, step.expected.sql)).toEqual(step.expected.rows);
              await s.stamp(step.n === 1 ? 'base' : revisionId(app.name, step.n - 1));
              const rerun = await s.upgrade('head', { strict: true });
              expect(rerun.steps.map((r) => r.revision)).toEqual([id]);
              expect(rerun.steps.flatMap((r) => r.differences), 'the guarded re-run reports no difference').toEqual([]);
              expect(await live(copy.url), 'after stamp one back and upgrade').toEqual(after);
            } finally {
              await copy.drop();
            }
          });
        });
      }
    });
  }
});

/** A copy of `source` on the same server (PostgreSQL `CREATE DATABASE … TEMPLATE`); `drop()` removes it. */
async function cloneDatabase(source: TestDatabase, suffix: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const dialect = await loadDialect('postgresql');
  const server = new URL(source.url);
  server.pathname = '/postgres';
  const name = `${source.name}_${suffix}`;
  await withConnection(dialect, server.toString(), (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${source.name}"`));
  const url = new URL(source.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await withConnection(dialect, server.toString(), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function rowsOf(stream: ApiStream, sql: string): Promise<string[][]> {
  const rows = await stream.query(sql);
  return rows.map((row) => Object.values(row).map((value) => (value === null ? 'null' : value instanceof Date ? value.toISOString() : String(value))));
}
