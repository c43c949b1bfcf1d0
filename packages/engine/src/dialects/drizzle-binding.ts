import { StrataError } from '../errors.js';
import type { Connection } from './connection.js';

/**
 * Drizzle ORM is an optional peer: a data migration that asks for it without it installed gets
 * this error instead of a module-not-found stack.
 */
export class DrizzleMissingError extends StrataError {
  static readonly CODE = 'DIALECT_DRIZZLE_MISSING';
  constructor(cause: unknown) {
    super(DrizzleMissingError.CODE, 'A revision asked for a Drizzle database (`await ctx.drizzle()`), but drizzle-orm is not installed.', {
      hint: 'Install it next to @strata/engine: npm install drizzle-orm',
      cause,
    });
  }
}

/**
 * @internal Binds Drizzle's driver adapter (`drizzle-orm/node-postgres`, `/mysql2`, `/better-sqlite3`)
 * to the migration's own driver object, so its queries run on the revision's connection and inside
 * its transaction. The adapter module is imported on first use only: it costs ~100 ms.
 */
export async function bindDrizzle(connection: Connection, adapterModule: string): Promise<unknown> {
  let adapter: { drizzle: (client: unknown) => unknown };
  try {
    adapter = (await import(adapterModule)) as typeof adapter;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new DrizzleMissingError(error);
    throw error;
  }
  return adapter.drizzle(connection.driver);
}
