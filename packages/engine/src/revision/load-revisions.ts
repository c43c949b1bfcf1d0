import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import { RevisionsFolderMissingError } from '../loader/errors.js';
import { contentHash } from '../loader/transform-cache.js';
import { normalizeRevision, type Revision } from './revision.js';
import { REVISION_MODULE } from './revision-module.js';
import { InvalidRevisionError } from './errors.js';
import { readStaticRevision } from './static-revision.js';

/** File names loaded as revisions: TypeScript or JavaScript modules; not declarations, tests, config files or `_private` helpers. */
const REVISION_FILE = /^(?![._])(?!.*\.config\.)(?!.*\.(?:spec|test|d)\.[^.]+$).+\.(?:ts|mts|js|mjs)$/;

/** A revision file's checksum: sha256 of its bytes, hex. */
export function checksumOf(source: string | Buffer): string {
  return contentHash(source);
}

/**
 * Loads every revision module in `dir` (not recursive), in file-name order.
 * Each file must default-export `revision({...})`; a file that fails to compile, has no default
 * export or an invalid definition throws an error naming the file.
 *
 * Each file is read and hashed once (its checksum, which also keys the compile cache, see
 * `TransformCache`). A file of the generated shape (`readStaticRevision`) that loaded cleanly in an
 * earlier run, with the same text, is not compiled: its metadata comes from the cache, and the module
 * is loaded on the first call of its `upgrade` or `downgrade`. Any other file is compiled and run now.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('apps/accounts/migrations'));
 * ```
 */
export function loadRevisions(dir: string): Revision[] {
  const folder = resolve(dir);
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => REVISION_FILE.test(name)).sort();
  } catch (error) {
    throw new RevisionsFolderMissingError(folder, error);
  }
  const loader = new TsModuleLoader({ '@strata/engine': REVISION_MODULE });
  const revisions = names.map((name) => loadRevisionFile(loader, join(folder, name)));
  // Every file of the folder was asked for: what the pack holds besides is for texts no longer there.
  loader.flush({ prune: true });
  return revisions;
}

/** The cache's note of a file whose metadata its text gives: the fields `readStaticRevision` read. */
const STATIC_FACT = 'revision';

/** One revision file: from the cache's metadata when an earlier run vouched for it, else loaded now. */
function loadRevisionFile(loader: TsModuleLoader, file: string): Revision {
  const source = readFileSync(file, 'utf8');
  const checksum = contentHash(source);
  const known = loader.cache.facts(file, checksum)?.[STATIC_FACT];
  if (known !== undefined) return normalizeRevision({ ...known, ...lazyMethods(loader, file, source, checksum) }, file, checksum);
  const loaded = normalizeRevision(defaultExport(loadNaming(loader, file, source, checksum)), file, checksum);
  const fields = readStaticRevision(source);
  // Vouched for only when the text's metadata is the loaded revision's, field for field.
  if (fields !== undefined && metadataOf(normalizeRevision({ ...fields, upgrade: loaded.upgrade, downgrade: loaded.downgrade }, file, checksum)) === metadataOf(loaded)) {
    loader.cache.note(file, checksum, { [STATIC_FACT]: fields });
  }
  return loaded;
}

/** Everything of a revision but its functions, as comparable text. */
function metadataOf(revision: Revision): string {
  return JSON.stringify(revision);
}

/** `upgrade` and `downgrade` that load the module on the first call of either, then call its own. */
function lazyMethods(loader: TsModuleLoader, file: string, source: string, checksum: string): Pick<Revision, 'upgrade' | 'downgrade'> {
  let module: Revision | undefined;
  const real = (): Revision => (module ??= normalizeRevision(defaultExport(loadNaming(loader, file, source, checksum)), file, checksum));
  return { upgrade: (ctx) => real().upgrade(ctx), downgrade: (ctx) => real().downgrade(ctx) };
}

function defaultExport(exported: { default?: unknown } | undefined): unknown {
  return exported && typeof exported === 'object' && 'default' in exported ? exported.default : undefined;
}

/**
 * The file's exports; a `revision({...})` in it that refuses its definition throws before the
 * loader knows the file, so its error is given the file here.
 */
function loadNaming(loader: TsModuleLoader, file: string, source: string, checksum: string): { default?: unknown } | undefined {
  try {
    return loader.load(file, source, checksum) as { default?: unknown } | undefined;
  } catch (error) {
    const problem = error instanceof InvalidRevisionError ? error.details.problem : undefined;
    if (typeof problem === 'string' && error instanceof InvalidRevisionError && error.details.file === undefined) {
      throw new InvalidRevisionError(`Invalid revision in ${file}: ${problem}.`, { file, problem });
    }
    throw error;
  }
}
