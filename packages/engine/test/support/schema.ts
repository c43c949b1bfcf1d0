import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Row } from '../../src/dialects/connection.js';
import type { Dialect, DialectName } from '../../src/dialects/dialect.js';
import { SchemaInspector, modelSchemaSource } from '../../src/inspect/schema-inspector.js';
import type { GuardDifference } from '../../src/inspect/inspector.js';
import { replaySchema } from '../../src/offline/offline-runner.js';
import { ScriptSink } from '../../src/runner/sql-sink.js';
import { createMigrationContext } from '../../src/runner/migration-context.js';
import type { MigrationContext } from '../../src/revision/revision.js';
import { loadRevisions } from '../../src/revision/load-revisions.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import type { RunEvent, RunResult } from '../../src/runner/events.js';
import { current, downgrade, stamp, upgrade, type StreamTarget } from '../../src/runner/runner.js';
import { emptySchema, type SchemaModel, type SequenceModel, type TableModel, type ViewModel } from '../../src/schema/model.js';
import { comparableSchema } from '../../src/schema/stated.js';
import { withConnection } from '../../src/dialects/connection.js';

// This file does not import ./streams.js: that one pulls in the whole CLI, which suites of the
// runner alone do not need (the CLI test imports it itself).

/** The engine's own helper, re-exported for the suites that import it from here. */
export { withConnection } from '../../src/dialects/connection.js';

/** A temp folder under os.tmpdir(); `remove()` deletes it. */
export function makeTempDir(label: string): { readonly path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `strata-${label}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Revision files whose bodies use the op API
// ---------------------------------------------------------------------------------------------

/** One revision file whose upgrade/downgrade bodies are TypeScript source. */
export interface OpsRevisionSpec {
  readonly id: string;
  readonly parents?: readonly string[];
  readonly message?: string;
  readonly transactional?: boolean;
  /**
   * The body of `async upgrade(ctx)`. In scope: `ctx`, `op`, `inspect`, `execute`, `dialect`, and
   * `p(n)`, the dialect's n-th placeholder (`$n` on PostgreSQL, `?` elsewhere).
   */
  readonly upgrade: string;
  /** The body of `async downgrade(ctx)`, same scope. */
  readonly downgrade: string;
  /** Extra lines at the top of the module (imports). */
  readonly header?: string;
}

let fileCounter = 0;

/**
 * Writes `YYYYMMDD_HHMM_<slug>.ts` into `dir` (created if needed): a `revision({...})` default export
 * whose bodies are `spec.upgrade` and `spec.downgrade`. Returns the file path.
 */
export function writeOpsRevision(dir: string, spec: OpsRevisionSpec): string {
  mkdirSync(dir, { recursive: true });
  const n = fileCounter++;
  const stamp = `20240301_${String(Math.floor(n / 60) % 24).padStart(2, '0')}${String(n % 60).padStart(2, '0')}`;
  const message = spec.message ?? `ops ${spec.id}`;
  const slug = message.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  const file = join(dir, `${stamp}_${slug}.ts`);
  const body = (code: string): string =>
    [
      '    const { op, inspect, execute, dialect } = ctx;',
      "    const p = (n: number): string => (dialect === 'postgresql' ? `$${n}` : '?');",
      '    void op; void inspect; void execute; void p;',
      ...code.split('\n').map((line) => `    ${line}`),
    ].join('\n');
  writeFileSync(
    file,
    [
      "import { revision } from '@strata/engine';",
      "import type { MigrationContext } from '@strata/engine';",
      spec.header ?? '',
      '',
      'export default revision({',
      `  id: ${JSON.stringify(spec.id)},`,
      `  parents: ${JSON.stringify(spec.parents ?? [])},`,
      `  message: ${JSON.stringify(message)},`,
      ...(spec.transactional === undefined ? [] : [`  transactional: ${spec.transactional},`]),
      '  async upgrade(ctx: MigrationContext) {',
      body(spec.upgrade),
      '  },',
      '  async downgrade(ctx: MigrationContext) {',
      body(spec.downgrade),
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  return file;
}

/** Writes a linear stream: each spec's parent is the one before (unless it names its own). */
export function writeOpsStream(dir: string, specs: readonly OpsRevisionSpec[]): string[] {
  return specs.map((spec, i) => writeOpsRevision(dir, { ...spec, parents: spec.parents ?? (i === 0 ? [] : [(specs[i - 1] as OpsRevisionSpec).id]) }));
}

/** The graph of the revision files in `dir`. */
export function loadGraph(dir: string): RevisionGraph {
  return new RevisionGraph(loadRevisions(dir));
}

/**
 * The ESM entry of a drizzle-orm subpath (`drizzle-orm/pg-core`) as a file URL, for a revision file
 * in a temp folder (which has no node_modules to resolve the package from) to `import()`: the same
 * module instances as the engine's own `import('drizzle-orm/node-postgres')`.
 */
export function drizzleModuleUrl(subpath: string): string {
  const cjs = createRequire(import.meta.url).resolve(subpath);
  return pathToFileURL(cjs.replace(/\.cjs$/, '.js')).href;
}

// ---------------------------------------------------------------------------------------------
// A stream under test through the programmatic API
// ---------------------------------------------------------------------------------------------

/** A stream on one database: the run functions with the stream and graph filled in. */
export class ApiStream {
  readonly events: RunEvent[] = [];
  #graph: RevisionGraph | undefined;

  constructor(
    readonly dialect: Dialect,
    readonly url: string,
    readonly dir: string,
    readonly name = 'ops',
  ) {}

  get stream(): StreamTarget {
    return { name: this.name, dialect: this.dialect.name, url: this.url, lockTimeoutMs: 10_000 };
  }

  /** The graph, loaded on first use (write every file first). */
  get graph(): RevisionGraph {
    this.#graph ??= loadGraph(this.dir);
    return this.#graph;
  }

  upgrade(target = 'head', options: { strict?: boolean } = {}): Promise<RunResult> {
    return upgrade({ stream: this.stream, graph: this.graph, target, onEvent: (e) => this.events.push(e), ...options });
  }

  downgrade(target = 'base', options: { strict?: boolean } = {}): Promise<RunResult> {
    return downgrade({ stream: this.stream, graph: this.graph, target, onEvent: (e) => this.events.push(e), ...options });
  }

  stamp(...targets: string[]): Promise<unknown> {
    return stamp({ stream: this.stream, graph: this.graph, targets });
  }

  /** The stream's rows in the version table, sorted (through `current`, which never creates the ledger). */
  async heads(): Promise<string[]> {
    return [...(await current(this.stream)).heads].sort();
  }

  /** The live schema, read back by the dialect's reader. */
  schema(): Promise<SchemaModel> {
    return withConnection(this.dialect, this.url, (c) => this.dialect.readSchema(c));
  }

  /** One table of the live schema (fails the test when missing). */
  async table(name: string): Promise<TableModel> {
    const table = (await this.schema()).tables.get(name);
    if (table === undefined) throw new Error(`table ${name} does not exist in the database`);
    return table;
  }

  /** The model the stream's revisions build from base to `to` (no database). */
  async model(to: string): Promise<SchemaModel> {
    return (await replaySchema({ dialect: this.dialect.name, graph: this.graph, to, stream: this.name })).model;
  }

  /** Runs one statement on a fresh connection and returns its rows. */
  query(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    return withConnection(this.dialect, this.url, (c) => c.query(sql, params));
  }

  /** Runs a script of several statements. */
  script(sql: string): Promise<void> {
    return withConnection(this.dialect, this.url, (c) => c.executeScript(sql));
  }
}

// ---------------------------------------------------------------------------------------------
// The model inspector, stepped alongside a live run
// ---------------------------------------------------------------------------------------------

/**
 * The schema model as offline mode keeps it: one model inspector over an empty schema, and a
 * migration context writing to a script, through which revisions' upgrades and downgrades run one at
 * a time. `model()` is then what the live database should read back.
 */
export class ModelReplay {
  readonly differences: GuardDifference[] = [];
  readonly #inspector: SchemaInspector;
  readonly #ctx: MigrationContext;

  constructor(
    readonly dialect: Dialect,
    readonly graph: RevisionGraph,
  ) {
    this.#inspector = new SchemaInspector(modelSchemaSource(emptySchema()), {
      normalizer: dialect.normalizer,
      onDifference: (d) => this.differences.push(d),
    });
    const sink = new ScriptSink({ formatLiteral: (v) => dialect.formatLiteral(v), numberedPlaceholders: dialect.placeholder(1) === '$1' });
    // Ops are replayed into the model only: no statement runs, so no transaction can refuse one.
    this.#ctx = createMigrationContext({
      dialect,
      stream: 'model',
      sink,
      inspector: this.#inspector,
      connection: undefined,
      transaction: () => ({ stream: 'model', revision: '', atomic: false }),
    });
  }

  async upgrade(id: string): Promise<void> {
    await this.graph.get(id).upgrade(this.#ctx);
  }

  async downgrade(id: string): Promise<void> {
    await this.graph.get(id).downgrade(this.#ctx);
  }

  model(): Promise<SchemaModel> {
    return this.#inspector.model();
  }
}

// ---------------------------------------------------------------------------------------------
// Comparing schemas
// ---------------------------------------------------------------------------------------------

/** A schema model as plain, key-ordered data (tables and enums by name), for readable diffs. */
export function plainSchema(schema: SchemaModel): {
  tables: Record<string, TableModel>;
  enums: Record<string, readonly string[]>;
  sequences?: Record<string, SequenceModel>;
  views?: Record<string, ViewModel>;
  schemas?: readonly string[];
} {
  const sorted = <T>(map: ReadonlyMap<string, T>): [string, T][] => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Compared as the engine compares: without the stated forms (a revision's text, the server's print).
  const model = comparableSchema(schema);
  return {
    tables: Object.fromEntries(sorted(model.tables)),
    enums: Object.fromEntries(sorted(model.enums).map(([name, e]) => [name, e.values])),
    ...(model.sequences !== undefined && model.sequences.size > 0 ? { sequences: Object.fromEntries(sorted(model.sequences)) } : {}),
    ...(model.views !== undefined && model.views.size > 0 ? { views: Object.fromEntries(sorted(model.views)) } : {}),
    ...(model.schemas !== undefined && model.schemas.length > 0 ? { schemas: model.schemas } : {}),
  };
}

/** Per-dialect values: `pick(name, { postgresql: …, mysql: …, sqlite: … })`. */
export function pick<T>(dialect: DialectName, values: Record<DialectName, T>): T {
  return values[dialect];
}

/** Numbers out of driver rows (MySQL and PostgreSQL may hand back bigint counts as strings). */
export function numbers(rows: readonly Row[], column: string): number[] {
  return rows.map((r) => Number(r[column]));
}
