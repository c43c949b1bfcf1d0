import { StrataError } from '../../errors.js';
import type { Connection, Row } from '../connection.js';
import type { RevisionScope } from '../revision-scope.js';

/** Rows that break a foreign key after a SQLite revision: the revision is rolled back. */
export class ForeignKeyViolationError extends StrataError {
  static readonly CODE = 'DIALECT_FOREIGN_KEY_VIOLATION';
  constructor(violations: readonly { table: string; rowid: unknown; parent: string }[]) {
    const shown = violations.slice(0, 10).map((v) => `${v.table} rowid ${String(v.rowid)} -> ${v.parent}`);
    super(
      ForeignKeyViolationError.CODE,
      `The revision leaves ${violations.length} row(s) whose foreign key points nowhere: ${shown.join('; ')}${violations.length > 10 ? '; …' : ''}.`,
      { hint: 'Fix the data in the revision (delete or repoint those rows) before the schema change.', details: { violations: violations.slice(0, 100) } },
    );
  }
}

/**
 * SQLite's table recreate (https://www.sqlite.org/lang_altertable.html#otheralter, steps 1, 10, 12):
 * `PRAGMA foreign_keys` cannot change inside a transaction, and with it on, dropping a table that
 * others reference deletes or nulls their rows (ON DELETE actions). So each revision runs with foreign
 * keys off, `PRAGMA foreign_key_check` runs before commit (a violation rolls the revision back), and
 * the previous setting comes back afterwards. Cascades do not fire inside revisions: a data migration
 * deleting parent rows deletes the children itself, as `foreign_key_check` will insist.
 *
 * The check covers what the revision can have broken: when only operations ran, the tables they
 * named and the tables whose foreign keys reference those (a table the revision created is new: the
 * rows pointing at it were there before it, pointing at nothing); after raw SQL (other than a lone `CREATE`,
 * which changes no existing row), Drizzle or the connection, the whole database. An untouched table of millions of rows costs nothing, and rows already
 * orphaned in a table no revision touches do not stop every later migration.
 */
export async function openSqliteRevision(connection: Connection): Promise<RevisionScope> {
  const [row] = await connection.query('PRAGMA foreign_keys');
  const wasOn = Number(row?.foreign_keys) === 1;
  if (wasOn) await connection.query('PRAGMA foreign_keys = OFF');
  return {
    async beforeCommit(touched, created) {
      if (!wasOn) return;
      const violations = touched === undefined ? await connection.query('PRAGMA foreign_key_check') : await checkTables(connection, touched, created ?? new Set());
      if (violations.length > 0) {
        throw new ForeignKeyViolationError(violations.map((v) => ({ table: String(v.table), rowid: v.rowid, parent: String(v.parent) })));
      }
    },
    async close() {
      if (wasOn) await connection.query('PRAGMA foreign_keys = ON');
    },
  };
}

/**
 * `foreign_key_check` of the touched tables that still exist and of every table referencing one of
 * them, except the tables referencing one the revision created: their rows were there before it, when
 * the table they point at was not, so the revision cannot have orphaned them.
 */
async function checkTables(connection: Connection, touched: ReadonlySet<string>, created: ReadonlySet<string>): Promise<Row[]> {
  const names = [...touched];
  if (names.length === 0) return [];
  const changed = names.filter((name) => !created.has(name));
  const marks = (list: readonly string[]) => list.map(() => '?').join(', ');
  // Reading a table's foreign keys parses its definition: only tables whose CREATE statement names a
  // changed table at all (LIKE is a superset: case-blind, `_` matches anything) are asked, so a
  // revision's check stays cheap however many tables the database has.
  const referencing =
    changed.length === 0
      ? 'FALSE'
      : `((${changed.map(() => 'sql LIKE ?').join(' OR ')}) AND EXISTS (SELECT 1 FROM pragma_foreign_key_list(sqlite_master.name) AS fk WHERE fk."table" COLLATE NOCASE IN (${marks(changed)})))`;
  const tables = await connection.query(
    `SELECT name FROM sqlite_master WHERE type = 'table' AND (name COLLATE NOCASE IN (${marks(names)}) OR ${referencing}) ORDER BY name`,
    [...names, ...changed.map((name) => `%${name}%`), ...changed],
  );
  const violations: Row[] = [];
  for (const { name } of tables) violations.push(...(await connection.query(`PRAGMA foreign_key_check("${String(name).replaceAll('"', '""')}")`)));
  return violations;
}
