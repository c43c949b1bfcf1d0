import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Writable } from 'node:stream';
import { logger, readProjectConfiguration, type Tree } from '@nx/devkit';
import type { Output, RevisionFileWriter, RevisionGraph, StreamLayout } from '@strata/engine';
import CONFIG_FILES from '@strata/engine/config-files.json';
import type { Engine } from './engine';

/** A list option given once or several times (`--rename a.b=c --rename d.e=f`, or `a.b=c,d.e=f`). */
export function listOption(value: string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : value.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** The project's folder on disk and its stream layout (config files are read from disk, as the engine does). */
export async function streamOfProject(engine: Engine, tree: Tree, projectName: string): Promise<{ root: string; layout: StreamLayout }> {
  const project = readProjectConfiguration(tree, projectName);
  const layout = engine.resolveStreamSettings({ cwd: join(tree.root, project.root), requireUrl: false });
  return { root: project.root, layout };
}

/** Whether the project folder `root` (workspace-relative) holds a config file the engine reads as a stream's (drizzle.config, strata.config). */
export function hasStreamConfig(tree: Tree, root: string): boolean {
  return [...CONFIG_FILES.drizzle, ...CONFIG_FILES.strata].some((name) => tree.exists(join(root, name)));
}

/** The stream's revisions; an empty graph when the folder does not exist yet. */
export function revisionGraph(engine: Engine, layout: Pick<StreamLayout, 'revisionsDir'>): RevisionGraph {
  return existsSync(layout.revisionsDir) ? new engine.RevisionGraph(engine.loadRevisions(layout.revisionsDir)) : new engine.RevisionGraph([]);
}

/**
 * The engine's revision commands writing through the Tree (so `--dry-run` writes nothing), never over an
 * existing file; the path reported is workspace-relative.
 */
export function treeRevisionWriter(engine: Engine, tree: Tree): RevisionFileWriter {
  return {
    write(dir, fileName, source) {
      const path = relative(tree.root, join(dir, fileName)).split(sep).join('/');
      if (tree.exists(path)) throw new engine.RevisionFileExistsError(join(tree.root, path));
      tree.write(path, source);
      return path;
    },
  };
}

/** An engine `Output` for a generator: its lines go to Nx's logger (info), its warnings to `logger.warn`. */
export function generatorOutput(engine: Engine): Output {
  const to = (log: (line: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        for (const line of chunk.toString().replace(/\n$/, '').split('\n')) log(line);
        done();
      },
    });
  return new engine.Output({ json: false, stdout: to((line) => logger.info(line)), stderr: to((line) => logger.warn(line)) });
}
