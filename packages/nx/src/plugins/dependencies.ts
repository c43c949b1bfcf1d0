import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CreateDependencies, DependencyType, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import type { StrataPluginOptions } from '../utils/target-names';
import type { StreamMetadata } from './plugin';

/** The revision files the engine loads (its loader's rule): modules, not declarations, tests, configs or `_private` helpers. */
const REVISION_FILE = /^(?![._])(?!.*\.config\.)(?!.*\.(?:spec|test|d)\.[^.]+$).+\.(?:ts|mts|js|mjs)$/;
/** `DependencyType.static`, written out: the value import would load the whole `@nx/devkit` barrel into the plugin worker (see plugin.ts). */
const STATIC = 'static' as DependencyType.static;
/** A `dependsOn: [ ... ]` list in a revision file (may span lines). */
const DEPENDS_ON = /\bdependsOn\s*:\s*\[([^\]]*)\]/g;
/** One `'stream@rev'` entry in such a list (`"…"` and `` `…` `` too); `rev` may be an id, prefix or label. */
const CROSS_STREAM_ENTRY = /(['"`])([A-Za-z0-9][A-Za-z0-9._-]*)@([^'"`\s]+)\1/g;

/**
 * Project-graph edges from cross-stream `dependsOn` entries: a revision of `billing` with
 * `dependsOn: ['accounts@3f2a9c1d4e5b']` makes `billing` depend on the project whose stream is
 * `accounts`, so `nx run billing:migrate` (which runs the dependencies' `migrate` first) migrates
 * accounts first and `nx affected` follows the edge. Files are read as text and matched with a regular expression (no module is
 * loaded), and only the files Nx says changed (`filesToProcess`) are read: Nx keeps the edges of the
 * others. Stream names come from the `metadata.strata` the inferred targets record on each project
 * (the project name unless strata.config renames the stream). Entries built at run time
 * (`dependsOn: [ACCOUNTS]`) are not seen.
 *
 * @example
 * ```ts
 * // plugin.ts
 * export { createDependencies } from './src/plugins/dependencies';
 * ```
 */
export const createDependencies: CreateDependencies<StrataPluginOptions> = (_options, context) => {
  const streams = streamProjects(context.projects);
  const projectOfStream = new Map<string, string>();
  for (const { name, metadata } of streams) projectOfStream.set(metadata.stream, name);

  const dependencies: RawProjectGraphDependency[] = [];
  for (const { name, metadata } of streams) {
    const files = context.filesToProcess.projectFileMap[name] ?? [];
    const prefix = metadata.revisionsDir === '' || metadata.revisionsDir === '.' ? '' : `${metadata.revisionsDir}/`;
    for (const { file } of files) {
      if (!file.startsWith(prefix)) continue;
      const rest = file.slice(prefix.length);
      if (rest.includes('/') || !REVISION_FILE.test(rest)) continue;
      for (const stream of crossStreamDependencies(readText(join(context.workspaceRoot, file)))) {
        const target = projectOfStream.get(stream);
        if (target === undefined || target === name) continue;
        dependencies.push({ source: name, target, sourceFile: file, type: STATIC });
      }
    }
  }
  return dependencies;
};

/**
 * The stream names a revision file's `dependsOn` lists name (`'accounts@3f2a9c1d4e5b'` → `accounts`),
 * each once. Exported for tests.
 *
 * @internal
 */
export function crossStreamDependencies(source: string): string[] {
  const streams = new Set<string>();
  if (!source.includes('dependsOn')) return [];
  for (const list of source.matchAll(DEPENDS_ON)) {
    for (const entry of (list[1] as string).matchAll(CROSS_STREAM_ENTRY)) streams.add(entry[2] as string);
  }
  return [...streams];
}

/** The projects the inferred targets marked as streams, with their name. */
function streamProjects(projects: Record<string, ProjectConfiguration>): { name: string; metadata: StreamMetadata }[] {
  const result: { name: string; metadata: StreamMetadata }[] = [];
  for (const project of Object.values(projects)) {
    const metadata = project.metadata?.strata as StreamMetadata | undefined;
    if (project.name === undefined || metadata === undefined || typeof metadata.stream !== 'string') continue;
    result.push({ name: project.name, metadata });
  }
  return result;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
