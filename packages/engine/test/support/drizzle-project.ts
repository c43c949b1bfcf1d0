import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { DialectName } from '../../src/dialects/dialect.js';
import { makeTempDir, runCli, type CliRun } from './streams.js';

/** The workspace's node_modules, through which a project's schema finds drizzle-orm and its revisions @strata/engine. */
const WORKSPACE_NODE_MODULES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../node_modules');

/** Where a {@link DrizzleProject} keeps its Drizzle schema, and how its package is typed. */
export interface DrizzleProjectOptions {
  /** The stream name every `cli` run passes. */
  readonly stream: string;
  /** The schema file, relative to the project folder (default `src/schema.ts`). */
  readonly schema?: string;
  /** Write a `package.json` with `"type": "module"` (a file type-checked as ESM needs it). */
  readonly esm?: boolean;
}

/**
 * A project folder as a Drizzle user has one, in a temp folder: a `drizzle.config.ts` naming the
 * dialect, the schema file and the URL, an empty `migrations/`, and a `node_modules` link to the
 * workspace's. `cli` runs `strata` in it, in-process; `remove()` deletes it.
 */
export class DrizzleProject {
  readonly root: string;
  readonly migrations: string;
  readonly schemaFile: string;
  readonly #stream: string;
  readonly #remove: () => void;

  constructor(
    label: string,
    readonly dialect: DialectName,
    readonly url: string,
    options: DrizzleProjectOptions,
  ) {
    const temp = makeTempDir(label);
    const schema = options.schema ?? 'src/schema.ts';
    this.root = temp.path;
    this.#remove = () => temp.remove();
    this.#stream = options.stream;
    this.migrations = join(this.root, 'migrations');
    this.schemaFile = join(this.root, schema);
    mkdirSync(this.migrations);
    mkdirSync(dirname(this.schemaFile), { recursive: true });
    symlinkSync(WORKSPACE_NODE_MODULES, join(this.root, 'node_modules'), 'dir');
    if (options.esm === true) writeFileSync(join(this.root, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(this.root, 'drizzle.config.ts'),
      [
        "import { defineConfig } from 'drizzle-kit';",
        `export default defineConfig({ dialect: ${JSON.stringify(dialect)}, schema: ${JSON.stringify(`./${schema}`)}, dbCredentials: { url: ${JSON.stringify(url)} } });`,
        '',
      ].join('\n'),
    );
  }

  /** Replaces the Drizzle schema. */
  schema(source: string): void {
    writeFileSync(this.schemaFile, source);
  }

  /** Writes a hand-written revision file; returns its absolute path. */
  revision(fileName: string, source: string): string {
    const file = join(this.migrations, fileName);
    writeFileSync(file, source);
    return file;
  }

  /** `strata <argv> --stream <stream>`, in-process, from the project folder (its drizzle.config.ts gives dialect, schema and URL). */
  cli(...argv: string[]): Promise<CliRun> {
    return runCli([...argv, '--stream', this.#stream], { cwd: this.root });
  }

  remove(): void {
    this.#remove();
  }
}

/**
 * Keeps `STRATA_DATABASE_URL` out of this file's runs (it would override the drizzle config's URL),
 * and puts it back after them. Call it at the top level of a test file.
 */
export function keepDatabaseUrlOutOfEnvironment(): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env['STRATA_DATABASE_URL'];
    delete process.env['STRATA_DATABASE_URL'];
  });
  afterAll(() => {
    if (saved !== undefined) process.env['STRATA_DATABASE_URL'] = saved;
  });
}
