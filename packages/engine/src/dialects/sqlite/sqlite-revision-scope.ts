import { StrataError } from '../../errors.js';
import type { Connection, Row } from '../connection.js';
import type { RevisionScope } from '../revision-scope.js';
import { asciiCaseKey } from '../../schema/identifiers.js';

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
 * rows pointing at it were there before it, pointing at nothing); after raw SQL (other than a lone
 * `CREATE`, `DROP VIEW` or `DROP TRIGGER`, which changes no existing row, or a lone `DROP TABLE`, which
 * counts as the op), Drizzle or the connection, the whole database. An untouched table of millions of
 * rows costs nothing, and rows already orphaned in a table no revision touches do not stop every later
 * migration. Which tables reference which is read once per scope ({@link ForeignKeyGraph}).
 */
export async function openSqliteRevision(connection: Connection): Promise<RevisionScope> {
  const [row] = await connection.query('PRAGMA foreign_keys');
  const wasOn = Number(row?.foreign_keys) === 1;
  if (wasOn) await connection.query('PRAGMA foreign_keys = OFF');
  const graph = new ForeignKeyGraph(connection);
  return {
    async beforeCommit(touched, created) {
      if (!wasOn) return;
      let violations: Row[];
      if (touched === undefined) {
        violations = await connection.query('PRAGMA foreign_key_check');
        graph.forget();
      } else {
        violations = await graph.violations(touched, created ?? new Set());
      }
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
 * Which tables' foreign keys name which table (as SQLite resolves them: ASCII case-blind), read from
 * the database once per scope, then kept current table by table: a table's foreign keys change only
 * by DDL that names it, or by the rename of a table they name (SQLite rewrites them), which names that
 * one. What a revision named is read again before the next revision's check, whether it committed or
 * rolled back. Every lookup names the `main` schema: a temp table of the same name must not hide it.
 */
class ForeignKeyGraph {
  readonly #connection: Connection;
  /** By `asciiCaseKey`: a table's name as the database has it, and the keys of the tables its foreign keys name; undefined until read. */
  #tables: Map<string, { readonly name: string; readonly parents: ReadonlySet<string> }> | undefined;
  /** Tables whose foreign keys a revision may have changed since they were read, by key, with a name to read them by. */
  #stale = new Map<string, string>();

  constructor(connection: Connection) {
    this.#connection = connection;
  }

  /**
   * The rows that break a foreign key in `touched` (as they are now, inside the revision), and those of
   * the other tables whose keys point at one of them, except one the revision created (`created`).
   */
  async violations(touched: ReadonlySet<string>, created: ReadonlySet<string>): Promise<Row[]> {
    const tables = await this.#current();
    const createdKeys = new Set([...created].map(asciiCaseKey));
    // The tables to check, by key: each once, however many spellings the revision used.
    const checked = new Map([...touched].map((name) => [asciiCaseKey(name), name]));
    const named = new Set(checked.keys());
    const changed = new Set([...named].filter((key) => !createdKeys.has(key)));
    for (const [key, { name, parents }] of tables) {
      if (named.has(key)) continue;
      if ([...parents].some((parent) => changed.has(parent))) checked.set(key, name);
      // A rename rewrites the foreign keys that name the old name.
      if ([...parents].some((parent) => named.has(parent))) this.#stale.set(key, name);
    }
    for (const [key, name] of [...checked].filter(([key]) => named.has(key))) this.#stale.set(key, name);
    const violations: Row[] = [];
    for (const [key, name] of checked) {
      // A table without foreign keys breaks none of its own; a table the revision dropped has none.
      if ((await this.#foreignKeysOf(name)).length === 0) continue;
      const rows = await this.#connection.query("SELECT * FROM pragma_foreign_key_check(?, 'main')", [name]);
      // A table the revision did not name answers only for its keys to what the revision changed: its
      // rows that already pointed nowhere else stop nothing.
      violations.push(...(named.has(key) ? rows : rows.filter((row) => changed.has(asciiCaseKey(String(row.parent))))));
    }
    return violations;
  }

  /** After a change the revision's operations do not tell (raw SQL): everything is read again. */
  forget(): void {
    this.#tables = undefined;
    this.#stale.clear();
  }

  async #current(): Promise<Map<string, { readonly name: string; readonly parents: ReadonlySet<string> }>> {
    if (this.#tables === undefined) {
      const rows = await this.#connection.query(`SELECT m.name AS child, fk."table" AS parent FROM sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS fk WHERE m.type = 'table'`);
      const parents = new Map<string, string[]>();
      for (const { child, parent } of rows) parents.set(String(child), [...(parents.get(String(child)) ?? []), String(parent)]);
      this.#tables = new Map();
      for (const [child, named] of parents) this.#set(child, named);
    } else {
      for (const [key, name] of this.#stale) {
        this.#tables.delete(key);
        this.#set(name, await this.#foreignKeysOf(name));
      }
    }
    this.#stale.clear();
    return this.#tables;
  }

  /** The tables `table`'s foreign keys name; none for a table that does not exist. */
  async #foreignKeysOf(table: string): Promise<string[]> {
    return (await this.#connection.query(`SELECT "table" AS parent FROM pragma_foreign_key_list(?, 'main')`, [table])).map((row) => String(row.parent));
  }

  #set(name: string, parents: readonly string[]): void {
    if (parents.length > 0) (this.#tables as Map<string, { readonly name: string; readonly parents: ReadonlySet<string> }>).set(asciiCaseKey(name), { name, parents: new Set(parents.map(asciiCaseKey)) });
  }
}
