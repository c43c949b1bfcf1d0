import type { NxJsonConfiguration } from '@nx/devkit';

/** The options of the `@strata/nx/plugin` entry in nx.json: the name of each inferred target. */
export interface StrataPluginOptions {
  /** Upgrade to head (default `migrate`). */
  migrateTargetName?: string;
  /** Downgrade (default `migrate-down`). */
  migrateDownTargetName?: string;
  /** Stamp without running (default `migrate-stamp`). */
  migrateStampTargetName?: string;
  /** Record the checksums of edited applied revisions (default `migrate-repair`). */
  migrateRepairTargetName?: string;
  /** Write a merge revision (default `migrate-merge`). */
  migrateMergeTargetName?: string;
  /** Current revision and heads (default `migrate-status`). */
  migrateStatusTargetName?: string;
  /** Revision history (default `migrate-history`). */
  migrateHistoryTargetName?: string;
  /** Revisions match the schema, guards, one head (default `migrate-check`). */
  migrateCheckTargetName?: string;
  /** Stairway, idempotency and drift test on a throwaway database (default `migrate-test`). */
  migrateTestTargetName?: string;
  /**
   * `migrate-check --db`, never cached (default `migrate-check-db`): `migrate-check` is cached, and Nx
   * caches a target whatever its options, so the check that reads the live database is a target of its own.
   */
  migrateCheckDbTargetName?: string;
}

/** Every option filled in. */
export type NormalizedPluginOptions = Required<StrataPluginOptions>;

/** The default name of the uncached `migrate-check --db` target. */
export const CHECK_DB_TARGET = 'migrate-check-db';

/** The verbs, each with its executor name (the default target name) and plugin option. */
export const VERBS = [
  ['migrate', 'migrateTargetName'],
  ['migrate-down', 'migrateDownTargetName'],
  ['migrate-stamp', 'migrateStampTargetName'],
  ['migrate-repair', 'migrateRepairTargetName'],
  ['migrate-merge', 'migrateMergeTargetName'],
  ['migrate-status', 'migrateStatusTargetName'],
  ['migrate-history', 'migrateHistoryTargetName'],
  ['migrate-check', 'migrateCheckTargetName'],
  ['migrate-test', 'migrateTestTargetName'],
] as const satisfies readonly (readonly [string, keyof StrataPluginOptions])[];

/** An executor name (`migrate-down`): also the default name of its target. */
export type Verb = (typeof VERBS)[number][0];

/** Fills in the default target names. */
export function normalizePluginOptions(options: StrataPluginOptions | undefined): NormalizedPluginOptions {
  const normalized = {} as NormalizedPluginOptions;
  for (const [verb, key] of VERBS) normalized[key] = options?.[key] ?? verb;
  normalized.migrateCheckDbTargetName = options?.migrateCheckDbTargetName ?? CHECK_DB_TARGET;
  return normalized;
}

/**
 * `migrate` runs the `migrate` of the streams it depends on first, with the same command-line
 * parameters (`params: 'forward'`): `--sql` keeps the whole chain offline, `--url` points the whole
 * chain at one database. Without it, `nx run orders:migrate --sql` would migrate `users` on its live
 * database before printing orders' script.
 */
export function migrateDependsOn(target: string): { dependencies: true; target: string; params: 'forward' } {
  return { dependencies: true, target, params: 'forward' };
}

/**
 * Sets `targetDefaults.migrate.dependsOn` to {@link migrateDependsOn}: when it is unset, or the plain
 * `['^migrate']` that `nx add @strata/nx` wrote before parameters were forwarded (with it, `nx run
 * billing:migrate --sql` migrated accounts online first, overriding the plugin's inferred `dependsOn`).
 * Any other setting is the user's and is kept; so is a key holding filtered entries (an array). Returns
 * whether it changed anything. Used by `nx add` and by the `nx migrate` migration of earlier workspaces.
 */
export function forwardMigrateParameters(nxJson: NxJsonConfiguration): boolean {
  const defaults = (nxJson.targetDefaults ??= {});
  const migrate = defaults['migrate'] ?? {};
  if (Array.isArray(migrate)) return false;
  const earlier = migrate.dependsOn === undefined || (migrate.dependsOn.length === 1 && migrate.dependsOn[0] === '^migrate');
  if (!earlier) return false;
  defaults['migrate'] = { ...migrate, dependsOn: [migrateDependsOn('migrate')] };
  return true;
}
