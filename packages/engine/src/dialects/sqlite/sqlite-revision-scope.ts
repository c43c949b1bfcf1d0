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
 * named and, in the tables whose foreign keys reference those, the keys to them (a table the revision
 * created is new: the rows pointing at it were there before it, pointing at nothing); after raw SQL
 * (other than a lone `CREATE`, `DROP VIEW` or `DROP TRIGGER`, which changes no existing row, and a lone
 * `CREATE TABLE` or `DROP TABLE`, which counts as the op), Drizzle or the connection, the whole
 * database. An untouched table of millions of rows costs nothing, and rows already orphaned in a
 * table no revision touches do not stop every later migration. Which tables reference which is read
 * once per scope ({@link ForeignKeyGraph}).
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

/** What the graph knows of one table that has foreign keys. */
interface Referencing {
  /** Its name as read (or as a revision spelled it). */
  readonly name: string;
  /** The keys (`asciiCaseKey`) of the tables its foreign keys name. */
  readonly parents: ReadonlySet<string>;
}

/**
 * Which tables' foreign keys name which table (as SQLite resolves them: ASCII case-blind), read from
 * the database once per scope, then kept current table by table: a table's foreign keys change only
 * by DDL that names it, or by the rename of a table they name (SQLite rewrites them), which names that
 * one. What a revision named is read again before the next revision's check, whether it committed or
 * rolled back, in one read with what the next revision named. After a revision whose changes the ops
 * do not tell, it is read again whole. Every lookup names the `main` schema: a temp table of the same
 * name must not hide it. Lookups go by the tables a revision named, never over every table.
 */
class ForeignKeyGraph {
  readonly #connection: Connection;
  /** The tables with foreign keys, by `asciiCaseKey`; undefined until read. */
  #tables: Map<string, Referencing> | undefined;
  /** Parent key → the keys of the tables whose foreign keys name it. */
  #children = new Map<string, Set<string>>();
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
    if (touched.size === 0) return [];
    // The tables to check, by key: each once, however many spellings the revision used.
    const named = new Map([...touched].map((name) => [asciiCaseKey(name), name]));
    // What the tables named now and last time hold, in one read (or the whole graph, read now).
    const own = await this.#current(named);
    const createdKeys = new Set([...created].map(asciiCaseKey));
    const changed = new Set([...named.keys()].filter((key) => !createdKeys.has(key)));
    // A table without foreign keys breaks none of its own; a table the revision dropped has none.
    const checked = new Map([...named].filter(([key]) => own.has(key)));
    for (const parent of named.keys()) {
      for (const key of this.#children.get(parent) ?? []) {
        const child = this.#tables?.get(key);
        if (child === undefined || named.has(key)) continue;
        if (changed.has(parent)) checked.set(key, child.name);
        // A rename rewrites the foreign keys that name the old name.
        this.#stale.set(key, child.name);
      }
    }
    for (const [key, name] of named) this.#stale.set(key, name);
    const violations: Row[] = [];
    for (const [key, name] of checked) {
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
    this.#children.clear();
    this.#stale.clear();
  }

  /**
   * Brings the graph up to date (read whole the first time, else the stale tables again) and returns
   * the keys of the `named` tables that have foreign keys now.
   */
  async #current(named: ReadonlyMap<string, string>): Promise<Set<string>> {
    if (this.#tables === undefined) {
      const rows = await this.#connection.query(`SELECT m.name AS child, fk."table" AS parent FROM sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS fk WHERE m.type = 'table'`);
      this.#tables = new Map();
      for (const [child, parents] of groupParents(rows)) this.#set(child, parents);
      this.#stale.clear();
      return new Set([...named.keys()].filter((key) => this.#tables?.has(key)));
    }
    const read = new Map([...this.#stale, ...named]);
    const rows = await this.#connection.query(`SELECT j.value AS child, fk."table" AS parent FROM json_each(?) AS j, pragma_foreign_key_list(j.value, 'main') AS fk`, [JSON.stringify([...read.values()])]);
    // By key: a table read under one spelling answers for every other.
    const lists = new Map([...groupParents(rows)].map(([name, parents]) => [asciiCaseKey(name), parents]));
    for (const [key, name] of this.#stale) {
      this.#remove(key);
      this.#set(name, lists.get(key) ?? []);
    }
    this.#stale.clear();
    return new Set([...named.keys()].filter((key) => lists.has(key)));
  }

  #set(name: string, parents: readonly string[]): void {
    if (parents.length === 0) return;
    const key = asciiCaseKey(name);
    const keys = new Set(parents.map(asciiCaseKey));
    (this.#tables as Map<string, Referencing>).set(key, { name, parents: keys });
    for (const parent of keys) this.#children.set(parent, (this.#children.get(parent) ?? new Set()).add(key));
  }

  #remove(key: string): void {
    const known = this.#tables?.get(key);
    if (known === undefined) return;
    this.#tables?.delete(key);
    for (const parent of known.parents) this.#children.get(parent)?.delete(key);
  }
}

/** Rows of `child`, `parent` as each child's parents, by the child's name as given. */
function groupParents(rows: readonly Row[]): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const { child, parent } of rows) parents.set(String(child), [...(parents.get(String(child)) ?? []), String(parent)]);
  return parents;
}
