// Counts the statements a database driver is asked to run, engine's and bench's alike, by wrapping
// the driver's own entry points for as long as `withStatementLog` runs: pg `Client.prototype.query`,
// mysql2's promise `Connection.prototype.query`/`execute`, better-sqlite3's `Database.prototype.exec`
// and the run/all/get/iterate methods of its prepared statements. One entry per call: on pg and
// mysql2 each is one round trip to the server; on SQLite (in-process) each is one statement run.
// The bench imports the same driver modules the engine does (one node_modules), so the engine's
// calls go through the wrappers too.

/** Installs the wrappers for `dialect`, runs `body(log)`, always restores the driver. */
export async function withStatementLog(dialect, body) {
  const log = new StatementLog();
  const restore = await install[dialect]((sql) => log.record(sql));
  try {
    return await body(log);
  } finally {
    restore();
  }
}

/** What the wrappers saw: every statement's text, in order. */
export class StatementLog {
  statements = [];
  record(sql) {
    this.statements.push(typeof sql === 'string' ? sql : String(sql));
  }
  /** How many statements so far: take one before and one after a call to count what it ran. */
  get count() {
    return this.statements.length;
  }
  /** The statements run since `mark` (a `count` taken earlier). */
  since(mark) {
    return this.statements.slice(mark);
  }
}

/** Replaces `proto[name]` with a function that records the statement, then calls the original. */
function wrap(proto, names, sqlOf, record) {
  const originals = names.map((name) => [name, proto[name]]);
  for (const [name, original] of originals) {
    proto[name] = function (...args) {
      record(sqlOf.call(this, ...args));
      return original.apply(this, args);
    };
  }
  return () => {
    for (const [name, original] of originals) proto[name] = original;
  };
}

const install = {
  async postgresql(record) {
    const { default: pg } = await import('pg');
    // query(text) and query({ text, values, queryMode }) alike.
    return wrap(pg.Client.prototype, ['query'], (config) => (typeof config === 'string' ? config : config?.text), record);
  },
  async mysql(record) {
    const { default: mysql } = await import('mysql2/promise');
    return wrap(mysql.PromiseConnection.prototype, ['query', 'execute'], (sql) => (typeof sql === 'string' ? sql : sql?.sql), record);
  },
  async sqlite(record) {
    const { default: Database } = await import('better-sqlite3');
    // The statement class is not exported: reach its prototype through a throwaway statement.
    const probe = new Database(':memory:');
    const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1'));
    probe.close();
    const restoreExec = wrap(Database.prototype, ['exec'], (sql) => sql, record);
    const restoreStatements = wrap(
      statementProto,
      ['run', 'all', 'get', 'iterate'],
      function () {
        return this.source;
      },
      record,
    );
    return () => {
      restoreExec();
      restoreStatements();
    };
  },
};
