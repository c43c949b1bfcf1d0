import type { TableModel } from './model.js';

/** How many newer versions a read walks through before the version takes a copy of its own. */
const MAX_WALK = 32;

/** A table with its place in the map's order (a number that only grows as tables are added). */
interface Entry {
  readonly table: TableModel;
  readonly place: number;
}

/** Marks a name the version does not hold, in its undo list. */
const ABSENT = Symbol('absent');

/** The storage the versions of one map share: the newest version's tables, changed in place. */
interface Store {
  /** The newest version's tables, in the map's order. */
  readonly tables: Map<string, TableModel>;
  /** Each of those tables' place. */
  readonly places: Map<string, number>;
  /** The place the next added table takes. */
  next: number;
  /** For each table a foreign key references, the tables holding such a key. */
  readonly referrers: Map<string, Set<string>>;
}

/** Adds (or, with `remove`, takes away) `table` as a holder of its foreign keys' references. */
function index(referrers: Map<string, Set<string>>, table: TableModel, remove = false): void {
  for (const { referencedTable } of table.foreignKeys) {
    let holders = referrers.get(referencedTable);
    if (holders === undefined) referrers.set(referencedTable, (holders = new Set()));
    if (remove) holders.delete(table.name);
    else holders.add(table.name);
  }
}

/** A store of `tables` in the order given, with their places. */
function storeOf(entries: readonly { readonly name: string; readonly table: TableModel; readonly place: number }[], next: number): Store {
  const referrers = new Map<string, Set<string>>();
  for (const { table } of entries) index(referrers, table);
  return { tables: new Map(entries.map((e) => [e.name, e.table])), places: new Map(entries.map((e) => [e.name, e.place])), next, referrers };
}

/**
 * A persistent map of a schema's tables: `with` and `without` return a new map and leave this one as
 * it was, in time independent of the number of tables (a new `Map` per change made replaying a
 * stream quadratic in its size). The versions share one store, which holds the newest version's
 * tables; an older version keeps what it holds differently from the next newer one and reads through
 * it. An old version read after many changes, or changed itself, takes a copy of its own first.
 * Iteration order is `Map`'s: insertion order, a replaced table keeping its place.
 * @internal
 */
export class TableMap implements ReadonlyMap<string, TableModel> {
  #store: Store;
  /** Behind the head: the version made from this one, and this one's entries that differ from it. */
  #newer: { readonly version: TableMap; readonly undo: ReadonlyMap<string, Entry | typeof ABSENT> } | undefined;

  private constructor(store: Store) {
    this.#store = store;
  }

  /** A map holding `tables`, in their order (copied once: later changes share storage). */
  static from(tables: ReadonlyMap<string, TableModel>): TableMap {
    const entries = [...tables].map(([name, table], place) => ({ name, table, place }));
    return new TableMap(storeOf(entries, entries.length));
  }

  /** A map with `table` set under its name: replaced in place, or added last. */
  with(table: TableModel): TableMap {
    return this.#change(table.name, table);
  }

  /** A map without the table `name` (this map when it has none). */
  without(name: string): TableMap {
    return this.has(name) ? this.#change(name, ABSENT) : this;
  }

  /**
   * The tables holding a foreign key that references `name` (itself included when it does), in the
   * map's order, found without looking at the others.
   */
  referencing(name: string): TableModel[] {
    const store = this.#own();
    const holders = [...(store.referrers.get(name) ?? [])];
    holders.sort((a, b) => (store.places.get(a) ?? 0) - (store.places.get(b) ?? 0));
    return holders.flatMap((holder) => store.tables.get(holder) ?? []);
  }

  get size(): number {
    return this.#tables().size;
  }

  get(name: string): TableModel | undefined {
    let version: TableMap = this;
    for (let step = 0; version.#newer !== undefined; step++) {
      if (step === MAX_WALK) return this.#tables().get(name);
      const held = version.#newer.undo.get(name);
      if (held !== undefined) return held === ABSENT ? undefined : held.table;
      version = version.#newer.version;
    }
    return version.#store.tables.get(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  forEach(callback: (value: TableModel, key: string, map: ReadonlyMap<string, TableModel>) => void, thisArg?: unknown): void {
    for (const [name, table] of this.#tables()) callback.call(thisArg, table, name, this);
  }

  entries(): MapIterator<[string, TableModel]> {
    return this.#tables().entries();
  }

  keys(): MapIterator<string> {
    return this.#tables().keys();
  }

  values(): MapIterator<TableModel> {
    return this.#tables().values();
  }

  [Symbol.iterator](): MapIterator<[string, TableModel]> {
    return this.#tables().entries();
  }

  /** The version after setting (or, with ABSENT, deleting) `name`: this one becomes a diff against it. */
  #change(name: string, table: TableModel | typeof ABSENT): TableMap {
    const store = this.#own();
    const before = store.tables.get(name);
    const place = store.places.get(name);
    const next = new TableMap(store);
    this.#newer = { version: next, undo: new Map([[name, before === undefined || place === undefined ? ABSENT : { table: before, place }]]) };
    if (before !== undefined) index(store.referrers, before, true);
    if (table !== ABSENT) index(store.referrers, table);
    if (table === ABSENT) {
      store.tables.delete(name);
      store.places.delete(name);
    } else {
      store.tables.set(name, table);
      if (place === undefined) store.places.set(name, store.next++);
    }
    return next;
  }

  /** This version's tables as a `Map` it reads directly. */
  #tables(): Map<string, TableModel> {
    return this.#own().tables;
  }

  /**
   * The store this version heads: its own when it is the head; otherwise a copy made now (the
   * newest tables, then each newer version's differences undone, newest first, in place order),
   * after which the versions older than this one read through it as before.
   */
  #own(): Store {
    if (this.#newer === undefined) return this.#store;
    const chain: ReadonlyMap<string, Entry | typeof ABSENT>[] = [];
    let version: TableMap = this;
    while (version.#newer !== undefined) {
      chain.push(version.#newer.undo);
      version = version.#newer.version;
    }
    const newest = version.#store;
    const held = new Map<string, Entry | typeof ABSENT>();
    for (const [name, table] of newest.tables) held.set(name, { table, place: newest.places.get(name) ?? 0 });
    for (let i = chain.length - 1; i >= 0; i--) for (const [name, entry] of chain[i]!) held.set(name, entry);
    const entries = [...held].flatMap(([name, entry]) => (entry === ABSENT ? [] : [{ name, ...entry }])).sort((a, b) => a.place - b.place);
    this.#store = storeOf(entries, newest.next);
    this.#newer = undefined;
    return this.#store;
  }
}
