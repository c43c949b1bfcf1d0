import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/dialects/dialect.js';
import { checkStream } from '../../src/autogenerate/check.js';
import { planGeneratedRevision, type RenameHints } from '../../src/autogenerate/generate.js';
import { renderGeneratedRevision } from '../../src/autogenerate/render-revision.js';
import { writeGeneratedRevision } from '../../src/autogenerate/write-generated.js';
import type { RunResult } from '../../src/runner/events.js';
import type { SchemaModel } from '../../src/schema/model.js';
import { ALL_TARGETS, describeDialects, type TestDatabase } from '../support/databases.js';
import { ApiStream, loadGraph, makeTempDir, plainSchema } from '../support/schema.js';
import { describeRun, runCli } from '../support/streams.js';

/**
 * Autogenerate, end to end on the real servers (STYLE "Tests: autogenerate"; drizzle-kit's
 * `tests/*​/snapshots` pairs and `sqlite-down-roundtrip.test.ts` for the idea). Each fixture folder
 * `fixtures/<dialect>/<NN>-<name>/` holds `before.ts` and `after.ts` (Drizzle schemas), and optionally
 * `setup.sql` (run on both databases before anything else: what a schema needs that no Drizzle schema
 * creates, like `CREATE EXTENSION pg_trgm` for an operator class),
 * `hints.json` (rename hints, as `--rename`/`--rename-table` give them), `seed.sql` (rows inserted once
 * the "before" schema is applied) and `expect.json` (`{ "sql", "rows" }`: a query run after the upgrade
 * and the rows, as strings, it must return, proving the data survived).
 *
 * Per pair, on database X: a revision generated from `before.ts` is applied, rows seeded, a second
 * revision generated from `after.ts` (+ hints) is applied. Then:
 * - no drift: X reads back exactly as Y, a fresh database migrated by a stream generated from `after.ts` alone;
 * - settled: `check --db` on X finds nothing (no drift from the Drizzle schema, every op guarded), and a
 *   second autogenerate from `after.ts` plans no operation;
 * - `downgrade -1` gives back the schema X had right after the first revision (a database built from `before.ts` alone);
 * - upgrade again, then `stamp` one back and upgrade again: the guards make the re-run a no-op (same
 *   schema, no guard reporting a different definition).
 */

const HERE = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(HERE, 'fixtures');
const WORKSPACE_NODE_MODULES = resolve(HERE, '../../../../node_modules');
const FIXED_DATE = new Date('2024-06-01T12:00:00Z');

interface Pair {
  readonly name: string;
  readonly dir: string;
  readonly before: string;
  readonly after: string;
  readonly hints?: RenameHints;
  /** `hints.json` may say `"noRenames": true`: what looks renamed is dropped and added (`--no-renames`). */
  readonly noRenames?: boolean;
  readonly setup?: string;
  readonly seed?: string;
  readonly expected?: { readonly sql: string; readonly rows: readonly (readonly string[])[] };
  /** `limits.json`: a genuine limitation that narrows the downgrade assertion; `why` names it. */
  readonly limits?: Limits;
}

interface Limits {
  readonly why: string;
  /** The downgrade fails with this text in its error (the upgrade and the re-run are still checked). */
  readonly downgradeError?: string;
  /** The downgrade leaves the enums as they are (PostgreSQL cannot drop an enum value); tables are compared. */
  readonly downgradeKeepsEnums?: boolean;
  /** With `downgradeKeepsEnums`: the enums the downgrade leaves, when not those of after.ts (values renamed back, added ones kept). */
  readonly downgradeEnums?: Readonly<Record<string, readonly string[]>>;
}

function pairsOf(dialect: DialectName): Pair[] {
  const root = join(FIXTURES, dialect);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name): Pair => {
      const dir = join(root, name);
      const optional = (file: string): string | undefined => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : undefined);
      const hints = optional('hints.json');
      const setup = optional('setup.sql');
      const seed = optional('seed.sql');
      const expected = optional('expect.json');
      const limits = optional('limits.json');
      return {
        name,
        dir,
        before: join(dir, 'before.ts'),
        after: join(dir, 'after.ts'),
        ...(hints === undefined ? {} : { hints: JSON.parse(hints) as RenameHints, noRenames: (JSON.parse(hints) as { noRenames?: boolean }).noRenames === true }),
        ...(setup === undefined ? {} : { setup }),
        ...(seed === undefined ? {} : { seed }),
        ...(expected === undefined ? {} : { expected: JSON.parse(expected) as Pair['expected'] }),
        ...(limits === undefined ? {} : { limits: JSON.parse(limits) as Limits }),
      };
    });
}

/** Sequential fixed ids, so the files (and their checksums) are the same on every run. */
function revisionId(pair: string, n: number): string {
  let hash = 0;
  for (const char of pair) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `${hash.toString(16).padStart(8, '0').slice(-8)}a00${n}`;
}

/** Generates the next revision of the stream in `dir` from `schemaFile` and writes it; returns its id. */
async function generateInto(dialect: DialectName, dir: string, schemaFile: string, id: string, pair?: Pair): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const plan = await planGeneratedRevision({
    dialect,
    graph: loadGraph(dir),
    schemaFiles: [schemaFile],
    stream: 'autogen',
    ...(pair?.hints ? { renames: { tables: pair.hints.tables ?? {}, columns: pair.hints.columns ?? {}, enumValues: pair.hints.enumValues ?? {} } } : {}),
    ...(pair?.noRenames ? { noRenames: true } : {}),
  });
  expect(plan.upgrade.length, `${schemaFile} gives no operations`).toBeGreaterThan(0);
  writeGeneratedRevision(dir, {
    id,
    createdAt: FIXED_DATE,
    parents: plan.parents,
    message: `autogenerate ${id}`,
    upgrade: plan.upgrade,
    downgrade: plan.downgrade,
    destructive: plan.destructive,
  });
  return id;
}

function differencesOf(result: RunResult): unknown[] {
  return result.steps.flatMap((step) => step.differences);
}

async function rowsOf(stream: ApiStream, sql: string): Promise<string[][]> {
  const rows = await stream.query(sql);
  return rows.map((row) => Object.values(row).map((value) => (value === null ? 'null' : String(value))));
}

function schemaOf(model: SchemaModel): ReturnType<typeof plainSchema> {
  return plainSchema(model);
}

await describeDialects('autogenerate fixture pairs', (ctx) => {
  const pairs = pairsOf(ctx.name);
  it('has fixture pairs', () => {
    expect(pairs.length).toBeGreaterThan(0);
  });
  for (const pair of pairs) {
    describe(pair.name, () => {
      let x: TestDatabase;
      let y: TestDatabase;
      const temp = makeTempDir(`autogen-${ctx.name}-${pair.name}`);
      let streamX: ApiStream;
      let streamY: ApiStream;
      let beforeSchema: ReturnType<typeof plainSchema>;
      let afterSchema: ReturnType<typeof plainSchema>;
      /** The later steps build on the first one's database. */
      let applied = false;
      const ids = { first: revisionId(`${ctx.name}/${pair.name}`, 1), second: revisionId(`${ctx.name}/${pair.name}`, 2), only: revisionId(`${ctx.name}/${pair.name}`, 3) };

      beforeAll(async () => {
        [x, y] = await Promise.all([ctx.createDatabase(`ag_x_${pair.name}`), ctx.createDatabase(`ag_y_${pair.name}`)]);
        if (pair.setup !== undefined) {
          for (const db of [x, y]) await new ApiStream(ctx.dialect, db.url, temp.path, 'autogen').script(pair.setup);
        }
      });
      afterAll(async () => {
        await Promise.all([x?.drop(), y?.drop()]);
        temp.remove();
      });

      it('applies the revision from before.ts, then the one from after.ts, and reads back as after.ts built from empty', async () => {
        const dirX = join(temp.path, 'x');
        const dirY = join(temp.path, 'y');
        // (1) the "before" schema, from empty, then the seed rows.
        await generateInto(ctx.name, dirX, pair.before, ids.first);
        streamX = new ApiStream(ctx.dialect, x.url, dirX, 'autogen');
        await streamX.upgrade('head', { strict: true });
        beforeSchema = schemaOf(await streamX.schema());
        if (pair.seed !== undefined) await streamX.script(pair.seed);
        // (2) the change.
        await generateInto(ctx.name, dirX, pair.after, ids.second, pair);
        streamX = new ApiStream(ctx.dialect, x.url, dirX, 'autogen');
        const second = await streamX.upgrade('head', { strict: true });
        expect(second.steps.map((s) => s.revision)).toEqual([ids.second]);
        // (3) the reference: after.ts alone, from empty.
        await generateInto(ctx.name, dirY, pair.after, ids.only);
        streamY = new ApiStream(ctx.dialect, y.url, dirY, 'autogen');
        await streamY.upgrade('head', { strict: true });
        afterSchema = schemaOf(await streamY.schema());
        expect(schemaOf(await streamX.schema())).toEqual(afterSchema);
        // A second autogenerate over X's revisions finds the schema already there.
        const again = await planGeneratedRevision({ dialect: ctx.name, graph: loadGraph(dirX), schemaFiles: [pair.after], stream: 'autogen' });
        expect(again.upgrade, 'a second autogenerate from after.ts').toEqual([]);
        // And `strata check --db`: the live catalog read back is the Drizzle schema, the revisions are guarded.
        const findings = await checkStream({ stream: 'autogen', dialect: ctx.name, graph: loadGraph(dirX), schemaFiles: [pair.after], database: { url: x.url } });
        expect(findings, 'strata check --db').toEqual([]);
        if (pair.expected !== undefined) expect(await rowsOf(streamX, pair.expected.sql)).toEqual(pair.expected.rows);
        applied = true;
      });

      it('downgrade -1 gives back the schema before.ts builds from empty', async () => {
        expect(applied, 'the first test of the pair failed').toBe(true);
        const limits = pair.limits;
        if (limits?.downgradeError !== undefined) {
          // Narrowed (limits.json names the limitation): the downgrade is refused by the server.
          await expect(streamX.downgrade('-1', { strict: true }), limits.why).rejects.toThrow(limits.downgradeError);
          if (ctx.dialect.capabilities.transactionalDdl) expect(schemaOf(await streamX.schema())).toEqual(afterSchema);
          return;
        }
        await streamX.downgrade('-1', { strict: true });
        const schema = schemaOf(await streamX.schema());
        if (limits?.downgradeKeepsEnums === true) {
          // Narrowed (limits.json names the limitation): the enums keep the values the upgrade added.
          expect(schema.tables, limits.why).toEqual(beforeSchema.tables);
          expect(schema.enums).toEqual(limits.downgradeEnums ?? afterSchema.enums);
        } else {
          expect(schema).toEqual(beforeSchema);
        }
      });

      it('upgrades again; after a stamp one back, the guarded re-run changes nothing', async () => {
        expect(applied, 'the first test of the pair failed').toBe(true);
        await streamX.upgrade('head', { strict: true });
        expect(schemaOf(await streamX.schema())).toEqual(afterSchema);
        await streamX.stamp(ids.first);
        const rerun = await streamX.upgrade('head', { strict: true });
        expect(rerun.steps.map((s) => s.revision)).toEqual([ids.second]);
        expect(differencesOf(rerun)).toEqual([]);
        expect(schemaOf(await streamX.schema())).toEqual(afterSchema);
        expect(await streamX.heads()).toEqual([ids.second]);
      });
    });
  }}, ALL_TARGETS);

// ---------------------------------------------------------------------------------------------
// Determinism: the same input renders the same bytes.
// ---------------------------------------------------------------------------------------------

describe('autogenerate determinism', () => {
  for (const dialect of ['postgresql', 'mysql', 'sqlite'] as const) {
    it(`renders a generated revision byte-identically twice (${dialect})`, async () => {
      const pair = pairsOf(dialect).find((p) => p.hints !== undefined) ?? pairsOf(dialect)[0];
      expect(pair).toBeDefined();
      const temp = makeTempDir(`autogen-bytes-${dialect}`);
      try {
        const files: string[] = [];
        for (const run of ['a', 'b']) {
          const dir = join(temp.path, run);
          await generateInto(dialect, dir, (pair as Pair).before, 'beef00000001');
          await generateInto(dialect, dir, (pair as Pair).after, 'beef00000002', pair);
          files.push(readdirSync(dir).sort().map((file) => `${file}\n${readFileSync(join(dir, file), 'utf8')}`).join('\n'));
        }
        expect(files[1]).toBe(files[0]);
        // And the renderer alone, twice on one plan.
        const plan = await planGeneratedRevision({ dialect, graph: loadGraph((mkdirSync(join(temp.path, 'empty')), join(temp.path, 'empty'))), schemaFiles: [(pair as Pair).after], stream: 'autogen' });
        const input = { id: 'beef00000003', parents: plan.parents, message: 'x', createdAt: FIXED_DATE, upgrade: plan.upgrade, downgrade: plan.downgrade, destructive: plan.destructive };
        expect(renderGeneratedRevision(input)).toBe(renderGeneratedRevision(input));
      } finally {
        temp.remove();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The CLI: an ambiguous rename stops with the flags to pass; with them, the data survives.
// ---------------------------------------------------------------------------------------------

/** The rename fixture the CLI test uses (the same pair exists for every dialect), the hint, and a query proving the data stayed. */
const CLI_RENAME = {
  pair: '05-rename-column',
  hint: 'members.name=full_name',
  sql: 'SELECT id, full_name FROM members ORDER BY id',
  rows: [['1', "O'Hara"], ['2', 'Lovelace']],
} as const;

function drizzleConfig(dialect: DialectName, schema: string, url: string): string {
  return [
    "import { defineConfig } from 'drizzle-kit';",
    `export default defineConfig({ dialect: ${JSON.stringify(dialect)}, schema: ${JSON.stringify(schema)}, dbCredentials: { url: ${JSON.stringify(url)} } });`,
    '',
  ].join('\n');
}

await describeDialects('strata revision --autogenerate with a rename', (ctx) => {
  const spec = CLI_RENAME;
  const pair = pairsOf(ctx.name).find((p) => p.name === spec.pair) as Pair;

  it('stops on an ambiguous rename with the flags to pass and writes no file; with --rename the rows stay', async () => {
    expect(pair, `fixture ${ctx.name}/${spec.pair}`).toBeDefined();
    const db = await ctx.createDatabase('ag_cli');
    const temp = makeTempDir(`autogen-cli-${ctx.name}`);
    try {
      const project = temp.path;
      symlinkSync(WORKSPACE_NODE_MODULES, join(project, 'node_modules'), 'dir');
      const dir = join(project, 'migrations');
      mkdirSync(dir);
      writeFileSync(join(project, 'drizzle.before.config.ts'), drizzleConfig(ctx.name, pair.before, db.url));
      writeFileSync(join(project, 'drizzle.after.config.ts'), drizzleConfig(ctx.name, pair.after, db.url));
      const cli = (config: string, ...argv: string[]) =>
        runCli([...argv, '--cwd', project, '--drizzle-config', config, '--dir', dir, '--stream', 'autogen'], { cwd: project });

      const first = await cli('drizzle.before.config.ts', 'revision', '--autogenerate', '-m', 'create');
      expect(first.code, describeRun(first)).toBe(0);
      const up = await cli('drizzle.before.config.ts', 'upgrade', 'head');
      expect(up.code, describeRun(up)).toBe(0);
      const stream = new ApiStream(ctx.dialect, db.url, dir, 'autogen');
      await stream.script(pair.seed as string);
      const filesBefore = readdirSync(dir).sort();

      const ambiguous = await cli('drizzle.after.config.ts', 'revision', '--autogenerate', '-m', 'x');
      expect(ambiguous.code, describeRun(ambiguous)).not.toBe(0);
      expect(`${ambiguous.stdout}\n${ambiguous.stderr}`).toContain(`--rename ${spec.hint}`);
      expect(readdirSync(dir).sort()).toEqual(filesBefore);

      const hinted = await cli('drizzle.after.config.ts', 'revision', '--autogenerate', '-m', 'rename', '--rename', spec.hint);
      expect(hinted.code, describeRun(hinted)).toBe(0);
      expect(readdirSync(dir)).toHaveLength(filesBefore.length + 1);
      const up2 = await cli('drizzle.after.config.ts', 'upgrade', 'head');
      expect(up2.code, describeRun(up2)).toBe(0);
      expect(await rowsOf(stream, spec.sql)).toEqual(spec.rows);
    } finally {
      temp.remove();
      await db.drop();
    }
  });
});

await describeDialects('strata revision --autogenerate with an enum value renamed', (ctx) => {
  // PostgreSQL alone keeps enums as types whose values can be renamed (ALTER TYPE ... RENAME VALUE).
  it.runIf(ctx.name === 'postgresql')('stops with the flag and the op to write, names a hint that does not fit, and with --rename-enum-value keeps the rows', async () => {
    const pair = pairsOf(ctx.name).find((p) => p.name === '55-enum-rename-value') as Pair;
    const db = await ctx.createDatabase('ag_cli_enum');
    const temp = makeTempDir(`autogen-cli-enum-${ctx.name}`);
    try {
      const project = temp.path;
      symlinkSync(WORKSPACE_NODE_MODULES, join(project, 'node_modules'), 'dir');
      const dir = join(project, 'migrations');
      mkdirSync(dir);
      writeFileSync(join(project, 'drizzle.before.config.ts'), drizzleConfig(ctx.name, pair.before, db.url));
      writeFileSync(join(project, 'drizzle.after.config.ts'), drizzleConfig(ctx.name, pair.after, db.url));
      const cli = (config: string, ...argv: string[]) =>
        runCli([...argv, '--cwd', project, '--drizzle-config', config, '--dir', dir, '--stream', 'autogen'], { cwd: project });
      expect((await cli('drizzle.before.config.ts', 'revision', '--autogenerate', '-m', 'create')).code).toBe(0);
      expect((await cli('drizzle.before.config.ts', 'upgrade', 'head')).code).toBe(0);
      const stream = new ApiStream(ctx.dialect, db.url, dir, 'autogen');
      await stream.script(pair.seed as string);
      const filesBefore = readdirSync(dir).sort();

      const refused = await cli('drizzle.after.config.ts', 'revision', '--autogenerate', '-m', 'x');
      expect(refused.code, describeRun(refused)).not.toBe(0);
      const said = `${refused.stdout}\n${refused.stderr}`;
      expect(said).toContain('AUTOGENERATE_ENUM_CHANGE_UNSUPPORTED');
      expect(said).toContain('--rename-enum-value order_state.OLD=NEW');
      expect(said).toContain("op.renameEnumValue('order_state', 'OLD', 'NEW')");
      const wrong = await cli('drizzle.after.config.ts', 'revision', '--autogenerate', '-m', 'x', '--rename-enum-value', 'order_state.gone=placed');
      expect(wrong.code, describeRun(wrong)).not.toBe(0);
      expect(`${wrong.stdout}\n${wrong.stderr}`).toContain('AUTOGENERATE_ENUM_RENAME_HINT_INVALID');
      expect(readdirSync(dir).sort()).toEqual(filesBefore);

      const hinted = await cli('drizzle.after.config.ts', 'revision', '--autogenerate', '-m', 'rename', '--rename-enum-value', 'order_state.new=placed', '--rename-enum-value', 'order_state.sent=shipped');
      expect(hinted.code, describeRun(hinted)).toBe(0);
      expect((await cli('drizzle.after.config.ts', 'upgrade', 'head')).code).toBe(0);
      expect(await rowsOf(stream, (pair.expected as { sql: string }).sql)).toEqual(pair.expected?.rows);
    } finally {
      temp.remove();
      await db.drop();
    }
  });
});
