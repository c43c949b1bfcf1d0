import type { Op } from '../ops/op.js';
import type { ColumnModel, TableModel } from '../schema/model.js';

/**
 * What one operation costs the tables it touches while it runs on a live database: the lock it
 * takes and the work done under it. Each dialect states these in its own rule table
 * (`dialects/<db>/<db>-safety.ts`); the lint (`autogenerate/check-safety.ts`) only applies them.
 */
export interface LockCost {
  /** The lock as the dialect's documentation names it: `SHARE`, `ACCESS EXCLUSIVE`, `ALGORITHM=COPY`... */
  readonly lock: string;
  /** What other sessions wait for while it is held. */
  readonly blocks: 'writes' | 'reads and writes';
  /**
   * The work done under the lock: `build` an index, `scan` every row, `rewrite` or `copy` the table,
   * or `brief` (a catalog change, but queued behind every query already running on the table).
   */
  readonly work: 'build' | 'scan' | 'rewrite' | 'copy' | 'brief';
  /** The tables it locks; the operation's own first. */
  readonly tables: readonly string[];
  /** What happens, one phrase: `blocks writes while it builds`. */
  readonly effect: string;
  /** The way to do the same without the long lock, when there is one. */
  readonly saferWay?: string;
}

/** What a rule knows besides the op: the table and the column as the schema held them before it, and the server. */
export interface SafetyRuleContext {
  readonly table?: TableModel;
  readonly column?: ColumnModel;
  /**
   * The server's version as a number (`Dialect.serverVersion`: PostgreSQL `server_version_num`, 150004
   * for 15.4), when the lint runs against a database; undefined without one, and the rules then judge
   * as on a server the dialect still supports.
   */
  readonly serverVersion?: number;
}

/** One dialect's rule for one op kind: its cost on a live table, or undefined when it is cheap. */
export type SafetyRule<K extends Op['kind']> = (op: Extract<Op, { kind: K }>, context: SafetyRuleContext) => LockCost | undefined;

/** A dialect's rule table: op kinds without an entry take no long lock. */
export type SafetyRules = { readonly [K in Op['kind']]?: SafetyRule<K> };

/**
 * The cost of `op` under `rules`, or undefined when the dialect has no rule for it or finds it cheap.
 *
 * @example
 * ```ts
 * import { lockCost, loadDialect } from '@strata/engine';
 * const dialect = await loadDialect('postgresql');
 * lockCost(dialect.safetyRules, { kind: 'createIndex', table: 'orders', name: 'ix_orders_user', columns: ['user_id'] }, {})?.lock; // 'SHARE'
 * ```
 */
export function lockCost(rules: SafetyRules, op: Op, context: SafetyRuleContext): LockCost | undefined {
  const rule = rules[op.kind] as SafetyRule<Op['kind']> | undefined;
  return rule?.(op as never, context);
}

/** The session settings a revision runs under, from the revision or else the stream (milliseconds). */
export interface DdlTimeouts {
  readonly lockTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
}

/** The timeouts set for one revision: `afterBegin` runs inside its transaction, `close` after it ends. */
export interface TimeoutScope {
  afterBegin(): Promise<void>;
  close(): Promise<void>;
}

/** A scope that sets nothing. */
export const NO_TIMEOUT_SCOPE: TimeoutScope = { afterBegin: () => Promise.resolve(), close: () => Promise.resolve() };
