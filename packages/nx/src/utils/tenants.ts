import type { FanoutAction } from '@strata/engine';
import { UsageError } from './errors';
import type { StrataRun } from './run-executor';
import { fromWorkspace } from './stream-options';

/**
 * The options that run a target on many tenant databases (the CLI's `--targets`, `--targets-from-sql`,
 * `--concurrency`, `--shard`): `migrate`, `migrate-down`, `migrate-stamp` and `migrate-status` take them.
 * Not named `targets`: that is Nx's word for a project's tasks, and `nx run-many --targets` would take it.
 */
export interface TenantOptions {
  /** A file listing tenant database URLs, one per line (relative to the workspace root). */
  tenantsFile?: string;
  /** A query on the stream's own database whose first column is a tenant URL. */
  tenantsSql?: string;
  /** With tenantsFile or tenantsSql: how many tenants at once (default 4). */
  concurrency?: number;
  /** With tenantsFile or tenantsSql: `i/n`, the i-th of n shards of the tenants. */
  shard?: string;
}

/**
 * Whether the options name tenants, so that the target fans out instead of running on the stream's
 * URL. `single` holds the target's options that work on one database only (`sql`, `cascade`) with
 * why: one of them set beside tenants is a usage error.
 */
export function namesTenants(options: TenantOptions, single: Readonly<Record<string, { readonly set: boolean | undefined; readonly why: string }>> = {}): boolean {
  if (!options.tenantsFile && !options.tenantsSql) return false;
  for (const [option, { set, why }] of Object.entries(single)) {
    if (set === true) throw new UsageError(`${option} ${why}; it does not combine with tenantsFile or tenantsSql.`);
  }
  return true;
}

/**
 * Runs `action` on every tenant through the engine's fan-out: a line per tenant as it finishes, the
 * table (or the JSON document) at the end; false when a tenant failed. Each tenant's cross-stream
 * dependencies are checked in its own database, where its other streams are.
 */
export async function fanOutTenants(run: StrataRun, action: FanoutAction, options: TenantOptions): Promise<boolean> {
  const { engine, out } = run;
  if (options.tenantsFile && options.tenantsSql) throw new UsageError('Pass either tenantsFile or tenantsSql, not both.');
  // The query runs on the stream's own database, which a tenants file does not need.
  const stream = options.tenantsFile ? run.layout() : run.settings();
  const { fanOutCommand } = await import('@strata/engine/commands/fanout');
  const result = await fanOutCommand(out, {
    stream,
    graph: run.graph(stream),
    action,
    tenants: options.tenantsFile ? { file: fromWorkspace(run.context.root, options.tenantsFile) } : { sql: options.tenantsSql as string },
    ...(options.shard ? { shard: engine.parseShard(String(options.shard)) } : {}),
    ...(options.concurrency === undefined ? {} : { concurrency: Number(options.concurrency) }),
  });
  return result.summary.failed === 0;
}
