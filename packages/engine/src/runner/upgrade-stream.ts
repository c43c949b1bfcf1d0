import { resolveStreamSettings, type ResolveStreamSettingsOptions, type StreamSettings } from '../config/stream-settings.js';
import { loadRevisions } from '../revision/load-revisions.js';
import { RevisionGraph } from '../revision/revision-graph.js';
import type { RunListener, RunResult } from './events.js';
import { upgrade } from './runner.js';

/** What {@link upgradeStream} takes: where the stream is (as `strata upgrade` finds it) and how far to go. */
export interface UpgradeStreamOptions extends Omit<ResolveStreamSettingsOptions, 'requireUrl'> {
  /** The target, as `strata upgrade` takes it (default `head`). */
  readonly target?: string;
  /** Run even if an applied revision's file changed since it was applied (`--allow-changed`). */
  readonly allowChanged?: boolean;
  /** Fail a revision whose guard finds its object defined differently (`--strict`). */
  readonly strict?: boolean;
  /** Progress events, one pair per revision applied. */
  readonly onEvent?: RunListener;
}

/** What {@link upgradeStream} did: the run, and the settings it resolved (URL included: redact it before logging). */
export interface UpgradeStreamResult extends RunResult {
  readonly settings: StreamSettings;
}

/**
 * `strata upgrade` as one call, for a service that migrates its database when it starts (what
 * drizzle-orm's `migrate()` is to drizzle-kit users): resolves the stream's settings exactly as the
 * command does ({@link resolveStreamSettings}: the options given here over `STRATA_DATABASE_URL` over
 * the project's drizzle.config or strata.config in `cwd`), loads its revision files and upgrades to `target`.
 *
 * Safe with many replicas starting at once: the run holds the database's migration lock (PostgreSQL
 * advisory lock, MySQL `GET_LOCK`, a lock row on SQLite) from the ledger check to the last revision, so
 * one replica applies the revisions while the others wait (up to `lockTimeoutMs`, default 60 s) and then
 * find nothing left to do. Each revision is applied once. Throws a `StrataError` on any failure (the
 * service should not start on a schema it does not know): a config error, `RUNNER_LOCK_TIMEOUT`, a
 * failed revision with its id and file, an edited applied revision (`RUNNER_CHECKSUM_MISMATCH`).
 *
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { redactUrl, upgradeStream } from '@strata/engine';
 * // The project folder: the one holding drizzle.config.ts (or strata.config.json) and migrations/.
 * const { settings, steps } = await upgradeStream({ cwd: fileURLToPath(new URL('..', import.meta.url)) });
 * console.log(`${settings.name} at ${redactUrl(settings.url)}: ${steps.length} revision(s) applied`);
 * ```
 */
export async function upgradeStream(options: UpgradeStreamOptions): Promise<UpgradeStreamResult> {
  const { target = 'head', allowChanged, strict, onEvent, ...where } = options;
  const settings = resolveStreamSettings({ ...where, requireUrl: true });
  const graph = new RevisionGraph(loadRevisions(settings.revisionsDir));
  const result = await upgrade({ stream: settings, graph, target, allowChanged, strict, onEvent });
  return { ...result, settings };
}
