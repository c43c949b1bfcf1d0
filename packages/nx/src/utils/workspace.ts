import { existsSync } from 'node:fs';
import type { ExecutorContext, ProjectGraph, ProjectGraphProjectNode, TargetConfiguration } from '@nx/devkit';
import type { Output } from '@strata/engine';
import type { Engine, EngineShell } from './engine';
import { fromWorkspace, interpolate, toSettingsOptions, type StreamExecutorOptions } from './stream-options';
import { PACKAGE_NAME } from './versions';

/** One stream as the engine's cross-stream checks need it: where its ledger is, and its revisions. */
export type WorkspaceStream = import('@strata/engine').WorkspaceStream;

/** Every stream the run may consult, by stream name (the engine's `workspace` option). */
export type StrataWorkspace = import('@strata/engine').Workspace;

/** Which way to follow the project graph from the stream being run. */
export type WorkspaceReach = 'dependencies' | 'dependents' | 'both';

/** True for a project the Strata plugin (or a hand-written target) made a stream. */
export function isStreamProject(node: ProjectGraphProjectNode | undefined): boolean {
  if (node === undefined) return false;
  if (node.data.metadata?.['strata'] !== undefined) return true;
  return Object.values(node.data.targets ?? {}).some((target) => target.executor?.startsWith(`${PACKAGE_NAME}:`) === true);
}

/**
 * The stream projects reachable from `project` through the project graph: its dependencies (an upgrade
 * needs them migrated), its dependents (a downgrade must not strand them), or both. `project` itself is
 * not included. Edges through projects that are not streams (a shared library) are followed too.
 */
export function streamProjectsAround(graph: ProjectGraph, project: string, reach: WorkspaceReach): string[] {
  const dependents = new Map<string, string[]>();
  if (reach !== 'dependencies') {
    for (const [source, edges] of Object.entries(graph.dependencies)) {
      for (const edge of edges) dependents.set(edge.target, [...(dependents.get(edge.target) ?? []), source]);
    }
  }
  const found = new Set<string>();
  const walk = (next: (name: string) => string[]) => {
    const seen = new Set<string>([project]);
    const queue = [project];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      for (const other of next(name)) {
        if (seen.has(other) || graph.nodes[other] === undefined) continue;
        seen.add(other);
        queue.push(other);
        if (isStreamProject(graph.nodes[other])) found.add(other);
      }
    }
  };
  if (reach !== 'dependents') walk((name) => (graph.dependencies[name] ?? []).map((edge) => edge.target));
  if (reach !== 'dependencies') walk((name) => dependents.get(name) ?? []);
  return [...found].sort();
}

/** The options a stream project's `migrate` target carries (its database, its folders), with tokens resolved. */
export function migrateOptionsOf(node: ProjectGraphProjectNode, workspaceRoot: string): StreamExecutorOptions {
  const targets: Record<string, TargetConfiguration> = node.data.targets ?? {};
  const migrate = Object.values(targets).find((target) => target.executor === `${PACKAGE_NAME}:migrate`);
  const options: Record<string, unknown> = { ...(migrate?.options as Record<string, unknown> | undefined) };
  for (const [key, value] of Object.entries(options)) {
    if (typeof value === 'string') options[key] = interpolate(value, node.data.root, workspaceRoot);
  }
  return options as StreamExecutorOptions;
}

/**
 * Builds the engine's `workspace` map: each stream project's settings (from its own `migrate` target
 * options and config files) and revision graph, keyed by stream name. The current stream is added by
 * the caller with the options it runs with. `database` (the run's `--url`/`--dialect`) replaces each
 * stream's own. A stream whose settings cannot be resolved (no URL in this environment) is left out
 * with a warning: the engine then reports the dependency it cannot check.
 */
export function buildWorkspace(
  engine: Pick<EngineShell, 'resolveStreamSettings' | 'RevisionGraph' | 'loadRevisions'>,
  context: Pick<ExecutorContext, 'projectGraph' | 'root'>,
  projects: readonly string[],
  out: Output,
  database: Pick<StreamExecutorOptions, 'url' | 'dialect'> = {},
): Map<string, WorkspaceStream> {
  const workspace = new Map<string, WorkspaceStream>();
  for (const project of projects) {
    const node = context.projectGraph.nodes[project];
    if (node === undefined) continue;
    const options = { ...migrateOptionsOf(node, context.root), ...database };
    const cwd = fromWorkspace(context.root, options.cwd ?? node.data.root);
    try {
      const stream = engine.resolveStreamSettings({ ...toSettingsOptions(options, cwd), requireUrl: true });
      const graph = new engine.RevisionGraph(engine.loadRevisions(stream.revisionsDir));
      workspace.set(stream.name, { stream, graph });
    } catch (error) {
      out.warn(`stream project "${project}" left out of the cross-stream checks: ${(error as Error).message}`);
    }
  }
  return workspace;
}

/** A stream project's folder on disk, for {@link tableOwnersOf}. */
export interface StreamFolder {
  readonly project: string;
  /** The project folder (absolute): its drizzle.config or strata.config is read from there. */
  readonly cwd: string;
}

/**
 * Which stream owns each table, over the other stream projects of the workspace (`self` left out):
 * each one's layout from its config files (no URL needed) and its revisions replayed into the model
 * (the engine's `tableOwners`). A project whose layout cannot be resolved, or that has no dialect or
 * revisions, is skipped with `warn`.
 */
export async function tableOwnersOf(engine: Pick<Engine, 'resolveStreamSettings' | 'RevisionGraph' | 'loadRevisions' | 'tableOwners'>, folders: readonly StreamFolder[], self: string, warn: (message: string) => void): Promise<Map<string, import('@strata/engine').TableOwner>> {
  const streams: import('@strata/engine').OwnerStream[] = [];
  for (const folder of folders) {
    try {
      const layout = engine.resolveStreamSettings({ cwd: folder.cwd, requireUrl: false });
      if (layout.name === self || layout.dialect === undefined || !existsSync(layout.revisionsDir)) continue;
      streams.push({ name: layout.name, dialect: layout.dialect, graph: new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)) });
    } catch (error) {
      warn(`stream project "${folder.project}" left out of the cross-stream foreign key checks: ${(error as Error).message}`);
    }
  }
  return engine.tableOwners(streams);
}
