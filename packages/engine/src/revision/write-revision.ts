import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { StrataError } from '../errors.js';
import { normalizeRevision } from './revision.js';

/** The fields of a new revision file, as `strata init`, `strata revision -m` and `strata merge` know them. */
export interface RevisionSourceFields {
  /** The revision id (see {@link newRevisionId}). */
  readonly id: string;
  /** `[]` for a base, one id normally, two or more for a merge. */
  readonly parents: readonly string[];
  /** One line saying what the revision does; it also names the file. */
  readonly message: string;
  /** Revisions that must be applied first: ids of this stream, or `stream@id`. Omitted from the source when absent or empty. */
  readonly dependsOn?: readonly string[];
  /** Branch labels. Omitted from the source when absent or empty. */
  readonly branchLabels?: readonly string[];
  /** The creation time written in the header; also dates the file name. */
  readonly createdAt: Date;
}

/** What {@link writeRevisionFile} needs: the source fields, with the id and the date optional. */
export interface WriteRevisionOptions extends Omit<RevisionSourceFields, 'id' | 'createdAt'> {
  /** Defaults to a fresh {@link newRevisionId}. */
  readonly id?: string;
  /** Defaults to now. */
  readonly createdAt?: Date;
}

/** What {@link writeRevisionFile} wrote. */
export interface WriteRevisionResult {
  /** Absolute path of the new file. */
  readonly file: string;
  /** The revision id written into it. */
  readonly id: string;
}

/**
 * A new revision file would replace an existing one (two revisions with the same message in the same
 * minute). Declared here rather than in `revision/errors.ts` only because this module is the one
 * condition's sole thrower.
 *
 * @example
 * ```ts
 * import { RevisionFileExistsError } from '@strata/engine';
 * const error = new RevisionFileExistsError('/repo/migrations/20240501_1200_add_users.ts');
 * console.log(error.code); // REVISION_FILE_EXISTS
 * ```
 */
export class RevisionFileExistsError extends StrataError {
  static readonly CODE = 'REVISION_FILE_EXISTS';
  constructor(file: string) {
    super(RevisionFileExistsError.CODE, `The revision file ${file} already exists; it was left unchanged.`, {
      hint: 'Wait a minute or use a different message (-m), then run the command again.',
      details: { file },
    });
  }
}

/** Longest slug in a file name, as Alembic's `truncate_slug_length` default. */
const MAX_SLUG_LENGTH = 40;

/**
 * A fresh revision id: 12 lowercase hexadecimal characters (48 random bits), the length of Alembic's
 * `uuid4().hex[-12:]`. `random` replaces `crypto.randomBytes` (tests pass a fixed source).
 *
 * @example
 * ```ts
 * import { newRevisionId } from '@strata/engine';
 * const id = newRevisionId(); // e.g. '3f2a9c1d4e5b'
 * ```
 */
export function newRevisionId(random: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(6)).toString('hex').slice(0, 12);
}

/**
 * The file name of a revision: Alembic's `%%(year)d%%(month).2d%%(day).2d_%%(hour).2d%%(minute).2d_%%(slug)s`
 * template, in UTC so that collaborators in different time zones sort files the same way, plus `.ts`.
 * The slug is the message lowercased, accents dropped, every run of other characters than `a-z0-9` turned
 * into one `_`, trimmed of `_`, cut at a word boundary to at most 40 characters; `revision` if nothing is left.
 *
 * @example
 * ```ts
 * import { revisionFileName } from '@strata/engine';
 * revisionFileName(new Date('2024-05-01T09:05:00Z'), 'Add users table'); // '20240501_0905_add_users_table.ts'
 * ```
 */
export function revisionFileName(date: Date, message: string): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp =
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `_${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}`;
  return `${stamp}_${slugOf(message)}.ts`;
}

function slugOf(message: string): string {
  // NFKD splits "é" into "e" plus a combining accent (a mark, \p{M}), dropped so that the letter stays whole.
  const words = message
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (words.length <= MAX_SLUG_LENGTH) return words || 'revision';
  const cut = words.slice(0, MAX_SLUG_LENGTH + 1);
  // Cut at the last word boundary, as Alembic does, unless the first word alone is longer than the limit.
  const boundary = cut.lastIndexOf('_');
  return boundary > 0 ? cut.slice(0, boundary) : cut.slice(0, MAX_SLUG_LENGTH);
}

/**
 * The TypeScript source of a new revision file: a header comment like Alembic's docstring (message,
 * Revision ID, Parents, Create Date; a merge revision also says which heads it merges), the import of
 * `revision` and a default export with empty `upgrade` and `downgrade` bodies, written in the style of
 * an autogenerated revision (single-quoted strings; a merge's bodies say `// Nothing to do.`, as a
 * generated revision's empty downgrade does; an empty revision's take `{ execute }`, to be filled in). Deterministic: the same
 * fields give the same bytes. Throws the error {@link normalizeRevision} throws when the fields would not
 * load back (an invalid id, parent, dependency or label), so no unloadable file is ever written.
 *
 * @example
 * ```ts
 * import { renderRevisionSource } from '@strata/engine';
 * const source = renderRevisionSource({
 *   id: '3f2a9c1d4e5b',
 *   parents: [],
 *   message: 'create users',
 *   createdAt: new Date('2024-05-01T09:05:00Z'),
 * });
 * ```
 */
export function renderRevisionSource(fields: RevisionSourceFields): string {
  const { id, parents, message } = fields;
  const dependsOn = fields.dependsOn ?? [];
  const branchLabels = fields.branchLabels ?? [];
  const list = (items: readonly string[]): string => `[${items.map(quoteString).join(', ')}]`;
  // A merge only joins heads; an empty revision is a data migration about to be written.
  const body = (name: string): string[] => (parents.length > 1 ? [`  async ${name}() {`, '    // Nothing to do.', '  },'] : [`  async ${name}({ execute }) {},`]);
  return [
    renderRevisionHeader(fields),
    "import { revision } from '@strata/engine';",
    '',
    'export default revision({',
    `  id: ${quoteString(id)},`,
    `  parents: ${list(parents)},`,
    `  message: ${quoteString(message)},`,
    ...(dependsOn.length > 0 ? [`  dependsOn: ${list(dependsOn)},`] : []),
    ...(branchLabels.length > 0 ? [`  branchLabels: ${list(branchLabels)},`] : []),
    ...body('upgrade'),
    ...body('downgrade'),
    '});',
    '',
  ].join('\n');
}

/**
 * @internal The header comment of a revision file, shared by every writer of revision files (this
 * module, autogenerate's renderer): the message (one comment line per line), which heads a merge
 * revision merges, then Revision ID, Parents and Create Date (ISO 8601, UTC), as Alembic's docstring.
 * Validates the fields the way the loader will (throwing what {@link normalizeRevision} throws), so no
 * writer produces a file that would not load back.
 */
export function renderRevisionHeader(fields: RevisionSourceFields): string {
  // The loader's own validation, so that the rules for what loads back live in one place.
  normalizeRevision({ ...fields, upgrade: noop, downgrade: noop });
  const { id, parents, message, createdAt } = fields;
  const header = [
    ...commentLines(message === '' ? '(no message)' : message),
    ...(parents.length > 1 ? ['', `Merges heads ${parents.join(', ')}.`] : []),
    '',
    `Revision ID: ${id}`,
    `Parents: ${parents.length === 0 ? 'none (base revision)' : parents.join(', ')}`,
    `Create Date: ${createdAt.toISOString()}`,
  ];
  return ['/**', ...header.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */'].join('\n');
}

function noop(): void {}

/**
 * @internal A single-quoted TypeScript string literal, as every writer of revision files renders strings:
 * JSON's escapes (backslashes, control characters, lone surrogates), with the quote characters swapped.
 */
export function quoteString(text: string): string {
  const inner = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\(.)|'/gs, (match, escaped: string | undefined) => (escaped === undefined ? "\\'" : escaped === '"' ? '"' : match));
  return `'${inner}'`;
}

/** The message as comment lines: one per line of the message, with `*\/` broken so it cannot end the comment. */
function commentLines(message: string): string[] {
  return message.split(/\r?\n/).map((line) => line.replaceAll('*/', '*\\/').trimEnd());
}

/**
 * Writes a new revision file into `dir` (created if missing), named by {@link revisionFileName} and holding
 * {@link renderRevisionSource}. Never overwrites: an existing file of that name throws
 * {@link RevisionFileExistsError}. The write is atomic: the source goes to a dot-prefixed temporary file in
 * the same folder (which the revision loader ignores), which is then linked to its final name, so a
 * concurrent reader sees either no file or the whole file.
 *
 * @example
 * ```ts
 * import { writeRevisionFile } from '@strata/engine';
 * const { file, id } = writeRevisionFile('apps/accounts/migrations', { parents: [], message: 'create users' });
 * ```
 */
export function writeRevisionFile(dir: string, fields: WriteRevisionOptions): WriteRevisionResult {
  return writeRevisionWith(dir, fields, (complete) => renderRevisionSource(complete));
}

/**
 * @internal Writes a new revision file whose source `render` makes from the completed fields (id and
 * date filled in): the one place that names, creates and atomically publishes revision files, for
 * empty revisions and generated ones alike.
 */
export function writeRevisionWith<F extends WriteRevisionOptions>(
  dir: string,
  fields: F,
  render: (complete: F & { readonly id: string; readonly createdAt: Date }) => string,
): WriteRevisionResult {
  const id = fields.id ?? newRevisionId();
  const createdAt = fields.createdAt ?? new Date();
  const source = render({ ...fields, id, createdAt });
  return { file: publishRevisionFile(dir, revisionFileName(createdAt, fields.message), source), id };
}

/**
 * @internal Writes `source` as `fileName` in `dir` (created if missing) and returns its absolute path:
 * atomically (a dot-prefixed temporary file, which the revision loader ignores, linked to its final
 * name) and never over an existing file ({@link RevisionFileExistsError}).
 */
export function publishRevisionFile(dir: string, fileName: string, source: string): string {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, fileName);
  const temp = join(folder, `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(temp, source, { flag: 'wx' });
    publish(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
  return file;
}

/**
 * Gives `temp` the name `file` unless `file` exists. A hard link fails with EEXIST atomically, where
 * `rename` would silently replace the file; on file systems without hard links (some network and
 * FAT-style mounts), an existence check followed by `rename` is the best available.
 */
function publish(temp: string, file: string): void {
  try {
    linkSync(temp, file);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new RevisionFileExistsError(file);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS') throw error;
  }
  if (exists(file)) throw new RevisionFileExistsError(file);
  renameSync(temp, file);
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
