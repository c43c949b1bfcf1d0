import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { formatFiles, logger, readProjectConfiguration, writeJson, type GeneratorCallback, type Tree } from '@nx/devkit';
import type { DialectName, StreamLayout } from '@strata/engine';
import { loadEngine, type Engine } from '../../utils/engine';
import { asGeneratorError } from '../../utils/generator-errors';
import { hasStreamConfig, treeRevisionWriter } from '../../utils/revision-files';
import type { StreamGeneratorSchema } from './schema';

/**
 * `nx g @strata/nx:stream <project>`: gives a project with a drizzle.config (or, with `--dialect`, a new
 * strata.config.json) its revisions folder and an initial revision: generated from the current Drizzle
 * schema, or empty without one. `--baseline` also stamps the existing database at that revision, after
 * the files are written (never under `--dry-run`); it first compares the database with the Drizzle
 * schema and refuses on a difference (`NX_BASELINE_MISMATCH`) unless `--force`.
 *
 * @example
 * ```ts
 * import { streamGenerator } from '@strata/nx';
 * const stampTask = await streamGenerator(tree, { project: 'accounts', baseline: true });
 * await stampTask();
 * ```
 */
export async function streamGenerator(tree: Tree, options: StreamGeneratorSchema): Promise<GeneratorCallback> {
  try {
    const task = await generate(tree, options);
    if (options.skipFormat === false) await formatFiles(tree);
    return task;
  } catch (error) {
    throw asGeneratorError(error, { tree, project: options.project });
  }
}

async function generate(tree: Tree, options: StreamGeneratorSchema): Promise<GeneratorCallback> {
  const engine = await loadEngine();
  const project = readProjectConfiguration(tree, options.project);
  const cwd = join(tree.root, project.root);
  const layout = streamLayout(engine, tree, project.root, cwd, options);
  const revisionsPath = relative(tree.root, layout.revisionsDir).split(sep).join('/');
  if (hasRevisions(tree, revisionsPath, layout.revisionsDir)) {
    throw new engine.StrataError('NX_STREAM_EXISTS', `Project "${options.project}" already has revisions in ${revisionsPath}.`, {
      hint: `Add a revision with \`nx g @strata/nx:migration ${options.project} -m "..."\`.`,
    });
  }
  const message = options.message ?? 'initial schema';
  const createdAt = new Date();
  const id = options.revId ?? engine.newRevisionId();
  const empty = new engine.RevisionGraph([]);
  let source: string;
  if (layout.drizzle && layout.dialect) {
    if (options.baseline && options.force !== true) await refuseMismatchedBaseline(engine, cwd, options, layout.drizzle);
    const plan = await engine.planGeneratedRevision({
      dialect: layout.dialect,
      graph: empty,
      schemaFiles: layout.drizzle.schemaFiles,
      ...(layout.drizzle.casing ? { casing: layout.drizzle.casing } : {}),
      stream: layout.name,
    });
    source = engine.renderGeneratedRevision({ id, parents: [], message, createdAt, upgrade: plan.upgrade, downgrade: plan.downgrade, destructive: plan.destructive });
  } else {
    source = engine.renderRevisionSource({ id, parents: [], message, createdAt });
  }
  const path = treeRevisionWriter(engine, tree).write(layout.revisionsDir, engine.revisionFileName(createdAt, message), source);
  logger.info(`Generating ${path} ... done (revision ${id}, parent <base>)`);
  if (!options.baseline) return () => {};
  return async () => {
    // After the files are on disk: the stream as `migrate` will see it, stamped without running.
    const settings = engine.resolveStreamSettings({ cwd, ...(options.url ? { url: options.url } : {}), requireUrl: true });
    const graph = new engine.RevisionGraph(engine.loadRevisions(settings.revisionsDir));
    const result = await engine.stamp({ stream: settings, graph, targets: [id] });
    logger.info(`Stream "${result.stream}" stamped at ${id} (${engine.redactUrl(settings.url)}): the database is taken to have the schema already.`);
  };
}

/**
 * `--baseline` takes the database to have the Drizzle schema already: compare them first, as
 * `check --db` does (the stream's own tables, enums... read back and diffed with the Drizzle schema),
 * and refuse with `NX_BASELINE_MISMATCH` listing the differences, before anything is written. Stamping
 * an empty or different database would record revisions whose changes are not there.
 */
async function refuseMismatchedBaseline(engine: Engine, cwd: string, options: StreamGeneratorSchema, drizzle: NonNullable<StreamLayout['drizzle']>): Promise<void> {
  const settings = engine.resolveStreamSettings({ cwd, ...(options.url ? { url: options.url } : {}), requireUrl: true });
  const findings = await engine.checkStream({
    stream: settings.name,
    dialect: settings.dialect,
    graph: new engine.RevisionGraph([]),
    schemaFiles: drizzle.schemaFiles,
    ...(drizzle.casing ? { casing: drizzle.casing } : {}),
    database: { url: settings.url },
  });
  const drift = findings.flatMap((finding) => (finding.kind === 'database-drift' ? finding.operations : []));
  if (drift.length === 0) return;
  const url = engine.redactUrl(settings.url);
  const differences = drift.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`.trim());
  throw new engine.StrataError(
    'NX_BASELINE_MISMATCH',
    `Project "${options.project}": --baseline would stamp ${url} as having the Drizzle schema, but the database differs from it (${drift.length} change${drift.length === 1 ? '' : 's'} needed: ${differences.join(', ')}).`,
    {
      hint:
        `Point --url at the database that has the schema; for an empty database leave --baseline out and run \`nx run ${options.project}:migrate\`. ` +
        'Pass --force to stamp anyway.',
      details: { project: options.project, stream: settings.name, url, differences },
    },
  );
}

/**
 * The stream's layout: from its config files, or, for a project with neither drizzle.config nor
 * strata.config, from a new strata.config.json written through the Tree (needs `--dialect`).
 */
function streamLayout(engine: Engine, tree: Tree, root: string, cwd: string, options: StreamGeneratorSchema): StreamLayout {
  if (hasStreamConfig(tree, root)) return engine.resolveStreamSettings({ cwd, ...(options.url ? { url: options.url } : {}), requireUrl: false });
  if (options.dialect === undefined) {
    throw new engine.StrataError('NX_STREAM_NOT_CONFIGURED', `Project "${options.project}" has no drizzle.config or strata.config.`, {
      hint: `Add a drizzle.config.ts (dialect, schema, dbCredentials), or pass --dialect=postgresql|mysql|sqlite (and --url) to write a strata.config.json.`,
    });
  }
  const dialect: DialectName = options.dialect;
  writeJson(tree, join(root, 'strata.config.json'), { dialect, ...(options.url ? { url: options.url } : {}) });
  return { name: options.project, dialect, revisionsDir: join(cwd, 'migrations'), projectDir: cwd, lockTimeoutMs: engine.DEFAULT_LOCK_TIMEOUT_MS, configFiles: [] };
}

function hasRevisions(tree: Tree, path: string, absolute: string): boolean {
  const inTree = tree.exists(path) && tree.children(path).some((name) => /\.(?:ts|mts|js|mjs)$/.test(name) && !name.startsWith('.'));
  const onDisk = existsSync(absolute) && readdirSync(absolute).some((name) => /\.(?:ts|mts|js|mjs)$/.test(name) && !name.startsWith('.'));
  return inTree || onDisk;
}

export default streamGenerator;
