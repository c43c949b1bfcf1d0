// The autogenerate row of the bench: a generated 200-table PostgreSQL Drizzle schema (6-9 columns with
// enums, indexes, foreign keys, identity keys, row-level security and policies), diffed against an empty stream. Ours is `planGeneratedRevision` (load
// the .ts schema, drizzle-kit's snapshot, the model, the diff, the downgrade) + `renderGeneratedRevision`
// (the guarded revision file, printed with ts-morph); drizzle-kit's is its own `generate` for the same
// schema through `drizzle-kit/api`: `generateDrizzleJson` + `generateMigration` from an empty snapshot,
// with the schema imported from a plain .mjs twin (so its loading is counted too, natively).
// A first row times the two command lines as processes on the same project, which is what a person waits for.
// Run alone with `node tools/bench/autogenerate.mjs` (after `npm run build`), or from run.mjs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { planGeneratedRevision, renderGeneratedRevision, RevisionGraph } from '../../packages/engine/dist/index.js';

export const AUTOGENERATE_TABLES = 200;
/** The issue's target for the first revision of a 200-table schema. */
export const AUTOGENERATE_TARGET_MS = 2000;
const RUNS = 5;
const WORKSPACE_NODE_MODULES = fileURLToPath(new URL('../../node_modules', import.meta.url));
const STRATA_BIN = fileURLToPath(new URL('../../packages/engine/bin/strata.js', import.meta.url));
const DRIZZLE_KIT_BIN = join(WORKSPACE_NODE_MODULES, 'drizzle-kit', 'bin.cjs');
/** Process runs per command in the command-line row (each a cold start, as a person or CI runs it). */
const CLI_RUNS = 3;

/**
 * Table `n` of the schema: 6-9 columns (one of three enums among them), an index, a foreign key to an
 * earlier table (the first to itself); every third table a descending index, every fourth row-level
 * security with a policy, every fifth an identity key with options instead of a serial.
 */
function tableSource(n) {
  const extra = n % 4; // 0-3 optional columns: 6 to 9 in all
  const parent = n === 1 ? 1 : 1 + ((n * 7) % (n - 1));
  const columns = [
    n % 5 === 0 ? `id: integer('id').primaryKey().generatedAlwaysAsIdentity({ startWith: 1000 })` : `id: serial('id').primaryKey()`,
    `name: varchar('name', { length: 120 }).notNull()`,
    `parentId: integer('parent_id').references((): AnyPgColumn => t${parent}.id, { onDelete: '${n % 2 ? 'cascade' : 'set null'}' })`,
    `status: text('status').notNull().default('active')`,
    `kind: kind${n % 3}('kind').notNull().default('a')`,
    `createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()`,
    ...[`amount: numeric('amount', { precision: 12, scale: 2 })`, `flag: boolean('flag').default(false)`, `note: text('note')`].slice(0, extra),
  ];
  const extras = [
    `index('ix_t_${n}_name').on(t.name, t.status)`,
    ...(n % 3 === 0 ? [`index('ix_t_${n}_created').on(t.createdAt.desc())`] : []),
    ...(n % 4 === 0 ? [`pgPolicy('p_t_${n}_read', { for: 'select', using: sql\`\${t.status} <> 'hidden'\` })`] : []),
  ];
  return [
    `export const t${n} = pgTable('t_${n}', {`,
    ...columns.map((column) => `  ${column},`),
    `}, (t) => [${extras.join(', ')}])${n % 4 === 0 ? '.enableRLS()' : ''};`,
  ].join('\n');
}

function schemaSource(count, typed) {
  const header = [
    `import { sql } from 'drizzle-orm';`,
    `import { boolean, index, integer, numeric, pgEnum, pgPolicy, pgTable, serial, text, timestamp, varchar } from 'drizzle-orm/pg-core';`,
    typed ? `import type { AnyPgColumn } from 'drizzle-orm/pg-core';` : '',
    ...[0, 1, 2].map((k) => `export const kind${k} = pgEnum('kind_${k}', ['a', 'b', 'c${k}']);`),
  ];
  const body = Array.from({ length: count }, (_, i) => tableSource(i + 1)).join('\n\n');
  // The .mjs twin is the same source without the type annotations.
  return `${header.join('\n')}\n\n${typed ? body : body.replaceAll('(): AnyPgColumn =>', '() =>')}\n`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timed(body) {
  const start = performance.now();
  const result = await body();
  return [performance.now() - start, result];
}

/**
 * Bench rows (`{ metric, ours, floor }`, floor = drizzle-kit) for the autogenerate of a 200-table schema.
 * The first run of each is cold (drizzle-kit's module, ts-morph and the schema loaded for the first time).
 */
export async function autogenerateRows({ tables = AUTOGENERATE_TABLES, runs = RUNS } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-autogen-'));
  try {
    // The schema imports drizzle-orm from its own folder, as in an application.
    symlinkSync(WORKSPACE_NODE_MODULES, join(dir, 'node_modules'), 'dir');
    const schemaTs = join(dir, 'schema.ts');
    writeFileSync(schemaTs, schemaSource(tables, true));
    const twinDir = join(dir, 'twins');
    mkdirSync(twinDir);
    const graph = new RevisionGraph([]);

    const ours = async () => {
      const plan = await planGeneratedRevision({ dialect: 'postgresql', graph, schemaFiles: [schemaTs], stream: 'bench' });
      const source = renderGeneratedRevision({
        id: 'be0c00000001',
        parents: plan.parents,
        message: 'initial',
        createdAt: new Date(Date.UTC(2024, 0, 1)),
        upgrade: plan.upgrade,
        downgrade: plan.downgrade,
        destructive: plan.destructive,
      });
      return { ops: plan.upgrade.length, policies: plan.upgrade.filter((op) => op.kind === 'createPolicy').length, bytes: source.length };
    };
    const kit = await import('drizzle-kit/api');
    const empty = kit.generateDrizzleJson({});
    let twin = 0;
    const drizzleKit = async () => {
      // A new file each run, so every run imports (and evaluates) the schema afresh.
      const file = join(twinDir, `schema_${++twin}.mjs`);
      writeFileSync(file, schemaSource(tables, false));
      const imports = await import(pathToFileURL(file).href);
      const snapshot = kit.generateDrizzleJson(imports);
      const statements = await kit.generateMigration(empty, snapshot);
      return { statements: statements.length };
    };

    const oursTimes = [];
    const kitTimes = [];
    let last;
    // Alternating, so drift in the machine hits both alike.
    for (let i = 0; i < runs; i++) {
      const [ms, result] = await timed(ours);
      oursTimes.push(ms);
      last = result;
      kitTimes.push((await timed(drizzleKit))[0]);
    }
    if (last.ops < tables * 2) throw new Error(`autogenerate: expected at least ${tables * 2} operations, got ${last.ops}`);
    if (last.policies < Math.floor(tables / 4)) throw new Error(`autogenerate: expected ${Math.floor(tables / 4)} policies, got ${last.policies}`);
    const cli = cliTimes(dir, CLI_RUNS);
    return [
      {
        metric: `autogenerate ${tables} PG tables, command line: \`strata revision --autogenerate\` (floor: \`drizzle-kit generate\`), median of ${cli.ours.length} processes`,
        ours: median(cli.ours),
        floor: median(cli.kit),
      },
      {
        metric: `autogenerate ${tables} PG tables (enums, RLS, policies, identity), first revision, cold (target < ${AUTOGENERATE_TARGET_MS / 1000} s; floor: drizzle-kit generate, cold)`,
        ours: oursTimes[0],
        floor: kitTimes[0],
      },
      { metric: `  warm, median of ${runs - 1} (floor: drizzle-kit generate, warm)`, ours: median(oursTimes.slice(1)), floor: median(kitTimes.slice(1)) },
      { metric: `  operations in the revision`, ours: last.ops, unit: 'count' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Wall times of the two commands a person runs on the same project (its drizzle.config.ts and schema.ts
 * in `dir`): each process starts cold, loads the config and the schema, diffs, and writes its file.
 */
function cliTimes(dir, runs) {
  writeFileSync(
    join(dir, 'drizzle.config.ts'),
    "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './schema.ts', out: './drizzle' });\n",
  );
  const run = (args, output) => {
    rmSync(join(dir, output), { recursive: true, force: true });
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
    const ms = performance.now() - start;
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
    return ms;
  };
  const ours = [];
  const kit = [];
  for (let i = 0; i < runs; i++) {
    ours.push(run([STRATA_BIN, 'revision', '--autogenerate', '-m', 'initial', '--dir', 'migrations'], 'migrations'));
    kit.push(run([DRIZZLE_KIT_BIN, 'generate'], 'drizzle'));
  }
  return { ours, kit };
}

// Run alone: print the rows.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await autogenerateRows();
  for (const row of rows) {
    const value = (v) => (v === undefined ? '—' : row.unit === 'count' ? String(v) : `${v.toFixed(0)} ms`);
    console.log(`${row.metric.padEnd(100)} ours ${value(row.ours).padStart(8)}  drizzle-kit ${value(row.floor).padStart(8)}  ratio ${row.floor ? `${(row.ours / row.floor).toFixed(1)}×` : '—'}`);
  }
}
