import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, sep } from 'node:path';
import type { CreateNodes, CreateNodesContext, CreateNodesResult, CreateNodesResultV2, TargetConfiguration } from '@nx/devkit';
import type { StreamLayout } from '@strata/engine';
import CONFIG_FILES from '@strata/engine/config-files.json';
import { loadEngine } from '../utils/engine';
import { migrateDependsOn, normalizePluginOptions, VERBS, type NormalizedPluginOptions, type StrataPluginOptions, type Verb } from '../utils/target-names';
import { PACKAGE_NAME } from '../utils/versions';

export type { StrataPluginOptions } from '../utils/target-names';

/**
 * The files that make a folder a stream: a drizzle.config (dialect, URL and schema come from it), or a
 * strata.config for a stream without a Drizzle schema. The glob is broad (`{drizzle,strata}.config.*`);
 * only the names the engine reads (`@strata/engine/config-files.json`, readable before the engine is
 * loaded) make a stream.
 */
export const STREAM_CONFIG_GLOB = '**/{drizzle,strata}.config.{ts,mts,js,mjs,cjs,json}';

const { drizzle: DRIZZLE_CONFIG_NAMES, strata: STRATA_CONFIG_NAMES }: { readonly drizzle: readonly string[]; readonly strata: readonly string[] } = CONFIG_FILES;

/** Bumped when the shape of the inferred targets changes, so cached targets of an older plugin are not reused. */
const TARGETS_CACHE_VERSION = '2';

/** What the plugin records about a stream on its project (`metadata.strata`), read back by createDependencies and the executors. */
export interface StreamMetadata {
  /** The stream name (the project name unless strata.config renames it). */
  readonly stream: string;
  /** The revisions folder, relative to the workspace root, with `/` separators. */
  readonly revisionsDir: string;
  /** The dialect, when configured. */
  readonly dialect?: string;
  /** Why the stream's config could not be loaded (code and message), when the targets were inferred without it. */
  readonly configError?: string;
}

interface CachedProject {
  readonly targets: Record<string, TargetConfiguration>;
  readonly metadata: StreamMetadata;
}

type TargetsCache = Record<string, CachedProject>;

/**
 * Inferred Strata targets (batched `createNodes`): every project (a folder with project.json or
 * package.json) holding a drizzle.config or a strata.config gets `migrate`, `migrate-down`,
 * `migrate-stamp`, `migrate-repair`, `migrate-merge`, `migrate-status`, `migrate-history`, `migrate-check`,
 * `migrate-check-db` (`migrate-check --db`, uncached; `migrate-check` is cached) and `migrate-test`, each running the `@strata/nx` executor of that name in the project folder. The stream's
 * settings are resolved by the engine (`resolveStreamSettings`) only when a config file, the manifest or
 * the plugin options changed: the targets are cached by a hash of them, as `@nx/playwright` does.
 * A config that fails to load (it throws, or holds something Strata cannot use) never fails the project
 * graph: the project still gets its targets, inferred from what can be read without running the config,
 * and the error is reported with its code when one of them runs.
 *
 * @example
 * ```json
 * // nx.json
 * { "plugins": [{ "plugin": "@strata/nx/plugin", "options": { "migrateTargetName": "db-migrate" } }] }
 * ```
 */
export const createNodes: CreateNodes<StrataPluginOptions> = [
  STREAM_CONFIG_GLOB,
  async (configFiles, options, context) => {
    const normalized = normalizePluginOptions(options);
    const cachePath = join(workspaceDataDirectory(context.workspaceRoot), `strata-${hash([JSON.stringify(normalized)]).slice(0, 16)}.hash`);
    const targetsCache = readTargetsCache(cachePath);
    const cachedKeys = Object.keys(targetsCache);
    const engineInput = engineInputs(context.workspaceRoot);
    // Only the entries this run used are written back, so the cache does not grow with every edit.
    const used: TargetsCache = {};
    try {
      return await eachConfigFile(configFiles, (configFile) => createNodesInternal(configFile, normalized, context, engineInput, targetsCache, used));
    } finally {
      if (!sameKeys(Object.keys(used), cachedKeys)) writeTargetsCache(cachePath, used);
    }
  },
];

/** The same function for Nx versions that still read `createNodesV2` (before Nx 23). */
export const createNodesV2 = createNodes;

/**
 * What `createNodesFromFiles` of `@nx/devkit` does (each file on its own, the failures together in one
 * `AggregateCreateNodesError` beside the other files' results), without loading `@nx/devkit` unless a
 * file fails: its barrel (the generator helpers, prettier's loader...) costs about 0.35 s of CPU in the
 * plugin worker that Nx starts for this plugin on every command without the daemon, and the project graph
 * waits for it (`tools/bench/nx.mjs`).
 */
async function eachConfigFile(configFiles: readonly string[], build: (configFile: string) => Promise<CreateNodesResult>): Promise<CreateNodesResultV2> {
  const settled = await Promise.all(
    configFiles.map(async (file) => {
      try {
        return { file, result: await build(file) };
      } catch (error) {
        return { file, error };
      }
    }),
  );
  const results: [string, CreateNodesResult][] = [];
  const errors: [string, Error][] = [];
  for (const entry of settled) {
    if ('error' in entry) errors.push([entry.file, entry.error as Error]);
    else results.push([entry.file, entry.result]);
  }
  if (errors.length === 0) return results;
  const { AggregateCreateNodesError } = await import('@nx/devkit');
  throw new AggregateCreateNodesError(errors, results);
}

async function createNodesInternal(
  configFile: string,
  options: NormalizedPluginOptions,
  context: CreateNodesContext,
  engineInput: EngineInputs,
  targetsCache: TargetsCache,
  used: TargetsCache,
): Promise<CreateNodesResult> {
  const name = basename(configFile);
  if (!DRIZZLE_CONFIG_NAMES.includes(name) && !STRATA_CONFIG_NAMES.includes(name)) return {};
  const projectRoot = dirname(configFile);
  const absoluteRoot = join(context.workspaceRoot, projectRoot);
  // Only real projects: a drizzle.config in a folder Nx does not know as a project gets no targets.
  const manifests = ['project.json', 'package.json'].filter((file) => existsSync(join(absoluteRoot, file)));
  if (manifests.length === 0) return {};
  // A folder with both configs is one stream: the drizzle.config's call makes the project.
  if (STRATA_CONFIG_NAMES.includes(name) && DRIZZLE_CONFIG_NAMES.some((file) => existsSync(join(absoluteRoot, file)))) return {};

  const hashed = [...DRIZZLE_CONFIG_NAMES, ...STRATA_CONFIG_NAMES, ...manifests]
    .map((file) => join(absoluteRoot, file))
    .filter((file) => existsSync(file))
    .map((file) => `${basename(file)}\n${readFileSync(file, 'utf8')}`);
  const key = hash([TARGETS_CACHE_VERSION, projectRoot, JSON.stringify(options), JSON.stringify(engineInput), ...hashed]);
  let cached = targetsCache[key];
  if (cached === undefined) {
    const built = await buildProject(projectRoot, absoluteRoot, options, context.workspaceRoot, engineInput);
    cached = built.project;
    // A config that failed to load may load in the next shell (an environment variable set): not cached.
    if (built.resolved) targetsCache[key] = cached;
  }
  if (targetsCache[key] !== undefined) used[key] = cached;
  const { targets, metadata } = cached;
  return {
    projects: {
      [projectRoot]: {
        root: projectRoot,
        targets,
        metadata: {
          technologies: ['strata'],
          targetGroups: { Migrations: [...VERBS.map(([, key]) => options[key]), options.migrateCheckDbTargetName] },
          strata: metadata,
        },
      },
    },
  };
}

async function buildProject(
  projectRoot: string,
  absoluteRoot: string,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  engineInput: EngineInputs,
): Promise<{ project: CachedProject; resolved: boolean }> {
  const { resolveStreamSettings } = await loadEngine();
  let layout: StreamLayout;
  try {
    layout = resolveStreamSettings({ cwd: absoluteRoot, requireUrl: false });
  } catch (error) {
    // The project graph must not depend on a config that loads: `if (!process.env.X) throw …` is the
    // most common line of a drizzle.config. The targets come from what can be read without running it;
    // the error is reported, with its code, when a target runs and resolves the stream again.
    return { project: staticProject(projectRoot, absoluteRoot, options, workspaceRoot, engineInput, error), resolved: false };
  }
  return {
    project: {
      targets: buildTargets(projectRoot, layout, options, workspaceRoot, engineInput),
      metadata: {
        stream: layout.name,
        revisionsDir: toPosix(relative(workspaceRoot, layout.revisionsDir)),
        ...(layout.dialect ? { dialect: layout.dialect } : {}),
      },
    },
    resolved: true,
  };
}

/**
 * The targets of a stream whose config could not be loaded, from what is read without running it: the
 * project folder, strata.config.json's `stream` and `dir`, drizzle.config's `out` as a string literal, the
 * manifest's name. `migrate-test` then takes
 * the whole project as its input (the schema's files are not known).
 */
function staticProject(
  projectRoot: string,
  absoluteRoot: string,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  engineInput: EngineInputs,
  error: unknown,
): CachedProject {
  const strata = readJsonObject(join(absoluteRoot, 'strata.config.json'));
  const revisionsDir = join(absoluteRoot, typeof strata?.['dir'] === 'string' ? strata['dir'] : (drizzleOut(absoluteRoot) ?? 'migrations'));
  const configFiles = [...DRIZZLE_CONFIG_NAMES, ...STRATA_CONFIG_NAMES].map((file) => join(absoluteRoot, file)).filter((file) => existsSync(file));
  const targets = buildTargets(projectRoot, { revisionsDir, configFiles, projectDir: absoluteRoot }, options, workspaceRoot, engineInput);
  const test = targets[options.migrateTestTargetName] as TargetConfiguration;
  test.inputs = ['{projectRoot}/**/*', '^default', ...engineInput];
  (targets[options.migrateCheckTargetName] as TargetConfiguration).inputs = [...test.inputs];
  const manifestName = ['project.json', 'package.json'].map((file) => readJsonObject(join(absoluteRoot, file))?.['name']).find((name) => typeof name === 'string');
  const stream = typeof strata?.['stream'] === 'string' ? strata['stream'] : typeof manifestName === 'string' ? manifestName.replace(/^@[^/]+\//, '') : basename(absoluteRoot);
  const problem = error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error);
  return { targets, metadata: { stream, revisionsDir: toPosix(relative(workspaceRoot, revisionsDir)), configError: problem } };
}

/** drizzle.config's `out` when it is a string literal (`out: './drizzle'`), read from the text without running it. */
function drizzleOut(absoluteRoot: string): string | undefined {
  for (const name of DRIZZLE_CONFIG_NAMES) {
    const file = join(absoluteRoot, name);
    if (!existsSync(file)) continue;
    return /\bout\s*:\s*(['"`])([^'"`$]+)\1/.exec(readFileSync(file, 'utf8'))?.[2];
  }
  return undefined;
}

function readJsonObject(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** What each verb does, for `metadata.description`, and the `strata` command whose help lists the same options. */
const DESCRIPTIONS: Record<Verb, { description: string; command: string; example?: Record<string, unknown> }> = {
  migrate: { description: 'Apply the stream\'s revisions up to head (the streams it depends on migrate first).', command: 'upgrade', example: { to: '+1' } },
  'migrate-down': { description: 'Revert revisions down to a target (--to=-1, an id, base).', command: 'downgrade', example: { to: '-1' } },
  'migrate-stamp': { description: 'Mark revisions as applied (or not) without running them.', command: 'stamp', example: { to: 'head' } },
  'migrate-repair': { description: 'Accept edited applied revisions: record their current checksums (nothing is run).', command: 'repair' },
  'migrate-merge': {
    description: 'Write a merge revision joining the stream\'s heads (an alias of `nx g @strata/nx:merge <project>`, which also takes --dry-run).',
    command: 'merge',
    example: { message: 'merge heads' },
  },
  'migrate-status': { description: 'Show the revision the database is at and the stream\'s heads.', command: 'current' },
  'migrate-history': { description: 'List the stream\'s revisions, newest first (--applied: what the database recorded).', command: 'history' },
  'migrate-check': { description: 'Fail if a revision is missing, unguarded, or the stream has several heads.', command: 'check' },
  'migrate-test': {
    description: 'Test the revisions on a throwaway database: stairway up/down/up, each upgrade twice, no drift from the Drizzle schema.',
    command: 'test',
  },
};

/**
 * The targets of one stream. Exported for tests.
 *
 * @internal
 */
export function buildTargets(
  projectRoot: string,
  layout: Pick<StreamLayout, 'revisionsDir' | 'configFiles' | 'drizzle' | 'projectDir'>,
  options: NormalizedPluginOptions,
  workspaceRoot: string,
  engineInput: EngineInputs = [{ externalDependencies: ['@strata/engine'] }],
): Record<string, TargetConfiguration> {
  const targets: Record<string, TargetConfiguration> = {};
  for (const [verb, key] of VERBS) {
    const { description, command, example } = DESCRIPTIONS[verb];
    targets[options[key]] = {
      executor: `${PACKAGE_NAME}:${verb}`,
      options: { cwd: '{projectRoot}' },
      metadata: {
        technologies: ['strata'],
        description,
        help: { command: `npx strata ${command} --help`, example: example ? { options: example } : {} },
      },
    };
  }
  const migrate = targets[options.migrateTargetName] as TargetConfiguration;
  migrate.dependsOn = [migrateDependsOn(options.migrateTargetName)];
  const test = targets[options.migrateTestTargetName] as TargetConfiguration;
  test.cache = true;
  test.inputs = [...(testInputs(projectRoot, layout, workspaceRoot) as Input[]), ...engineInput];
  test.outputs = [];
  // Without --db the check reads files only (the revisions, the Drizzle schema, the configs, and through
  // `^default` the streams it depends on): cached like the test. The other streams' projects are not
  // inputs: a `{workspaceRoot}/<other project>` input makes `nx affected` count this project as touched
  // by every change there. Nx caches a target whatever its options, so the check of the live database
  // is its own uncached target.
  const check = targets[options.migrateCheckTargetName] as TargetConfiguration;
  check.cache = true;
  check.inputs = [...(test.inputs as Input[])];
  check.outputs = [];
  targets[options.migrateCheckDbTargetName] = {
    executor: `${PACKAGE_NAME}:migrate-check`,
    options: { cwd: '{projectRoot}', db: true },
    cache: false,
    metadata: {
      technologies: ['strata'],
      description: 'migrate-check, and also compare the live database with the Drizzle schema and cross-check the ledger (never cached).',
      help: { command: 'npx strata check --help', example: {} },
    },
  };
  return targets;
}

/**
 * What a migration test's result depends on: the revisions, the config, the Drizzle schema (the folders
 * of its files, so that a module they import or a file a glob will match counts too), the same files of
 * the streams it depends on (`^default`: their whole projects), and the engine's version.
 */
function testInputs(
  projectRoot: string,
  layout: Pick<StreamLayout, 'revisionsDir' | 'configFiles' | 'drizzle' | 'projectDir'>,
  workspaceRoot: string,
): TargetConfiguration['inputs'] {
  const inputs = new Set<string>();
  inputs.add(`${tokenPath(projectRoot, layout.revisionsDir, workspaceRoot)}/**/*`);
  for (const file of layout.configFiles) inputs.add(tokenPath(projectRoot, file, workspaceRoot));
  for (const file of layout.drizzle?.schemaFiles ?? []) {
    const folder = dirname(file);
    // A schema file at the project root: the file alone (its folder would be the whole project).
    inputs.add(folder === layout.projectDir ? tokenPath(projectRoot, file, workspaceRoot) : `${tokenPath(projectRoot, folder, workspaceRoot)}/**/*`);
  }
  return [...inputs, '^default'];
}

type Input = NonNullable<TargetConfiguration['inputs']>[number];
/** The input that stands for the engine's version. */
type EngineInputs = Input[];

const LOCKFILES = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];

/**
 * The engine as a `migrate-test` input. Installed from a registry with a lockfile, it is an external
 * node of the graph: `{ externalDependencies: ['@strata/engine'] }` (Nx fails the hash when that node
 * does not exist, so only then). Installed without a lockfile, its version, read at hash time. As a
 * package of this workspace (Strata's own repository), its sources.
 */
function engineInputs(workspaceRoot: string): EngineInputs {
  let folder: string;
  try {
    folder = realpathSync(dirname(createRequire(join(workspaceRoot, 'package.json')).resolve('@strata/engine/package.json')));
  } catch {
    return [];
  }
  const root = realpathSync(workspaceRoot);
  const inWorkspace = folder.startsWith(root + sep) && !folder.slice(root.length).split(sep).includes('node_modules');
  if (inWorkspace) {
    const rel = toPosix(relative(root, folder));
    return [`{workspaceRoot}/${rel}/package.json`, `{workspaceRoot}/${rel}/src/**/*`];
  }
  if (LOCKFILES.some((file) => existsSync(join(workspaceRoot, file)))) return [{ externalDependencies: ['@strata/engine'] }];
  return [{ runtime: `node -p "require('@strata/engine/package.json').version"` }];
}

/** An absolute path as an Nx input: `{projectRoot}/…` inside the project, `{workspaceRoot}/…` elsewhere. */
function tokenPath(projectRoot: string, path: string, workspaceRoot: string): string {
  const fromWorkspace = toPosix(relative(workspaceRoot, path));
  const root = toPosix(projectRoot);
  if (root === '.' || root === '') return `{projectRoot}/${fromWorkspace}`;
  if (fromWorkspace === root) return '{projectRoot}';
  if (fromWorkspace.startsWith(`${root}/`)) return `{projectRoot}/${fromWorkspace.slice(root.length + 1)}`;
  return `{workspaceRoot}/${fromWorkspace}`;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key) => b.includes(key));
}

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function hash(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const part of parts) h.update(part).update('\0');
  return h.digest('hex');
}

/** Nx's workspace data folder (`.nx/workspace-data`), where plugins keep their caches. */
function workspaceDataDirectory(workspaceRoot: string): string {
  return process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY ?? join(workspaceRoot, '.nx', 'workspace-data');
}

function readTargetsCache(path: string): TargetsCache {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TargetsCache;
  } catch {
    return {};
  }
}

function writeTargetsCache(path: string, cache: TargetsCache): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(cache));
  } catch {
    // A cache that cannot be written costs a re-resolve next time, nothing more.
  }
}
