import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TsModuleLoader } from '../loader/ts-module-loader.js';
import { RevisionsFolderMissingError } from '../loader/errors.js';
import { normalizeRevision, type Revision } from './revision.js';
import { REVISION_MODULE } from './revision-module.js';
import { InvalidRevisionError } from './errors.js';

/** File names loaded as revisions: TypeScript or JavaScript modules; not declarations, tests, config files or `_private` helpers. */
const REVISION_FILE = /^(?![._])(?!.*\.config\.)(?!.*\.(?:spec|test|d)\.[^.]+$).+\.(?:ts|mts|js|mjs)$/;

/** A revision file's checksum: sha256 of its bytes, hex. */
export function checksumOf(source: string | Buffer): string {
  return createHash('sha256').update(source).digest('hex');
}

/**
 * Loads every revision module in `dir` (not recursive), in file-name order.
 * Each file must default-export `revision({...})`; a file that fails to compile, has no default
 * export or an invalid definition throws an error naming the file.
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
  return names.map((name) => {
    const file = join(folder, name);
    const source = readFileSync(file, 'utf8');
    const exported = loadNaming(loader, file, source);
    const value = exported && typeof exported === 'object' && 'default' in exported ? exported.default : undefined;
    return normalizeRevision(value, file, checksumOf(source));
  });
}

/**
 * The file's exports; a `revision({...})` in it that refuses its definition throws before the
 * loader knows the file, so its error is given the file here.
 */
function loadNaming(loader: TsModuleLoader, file: string, source: string): { default?: unknown } | undefined {
  try {
    return loader.load(file, source) as { default?: unknown } | undefined;
  } catch (error) {
    const problem = error instanceof InvalidRevisionError ? error.details.problem : undefined;
    if (typeof problem === 'string' && error instanceof InvalidRevisionError && error.details.file === undefined) {
      throw new InvalidRevisionError(`Invalid revision in ${file}: ${problem}.`, { file, problem });
    }
    throw error;
  }
}
