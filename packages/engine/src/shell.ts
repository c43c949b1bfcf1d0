/**
 * `@strata/engine/shell`: what a shell around the engine (the Nx executors) resolves before it calls a
 * verb: the stream's settings from its config files, its revision graph, the output, and the URL
 * helpers. The verbs themselves are one entry each, `@strata/engine/commands/<verb>` (`migrate`,
 * `stamp`, `current`...), so that a run loads its own verb and not the others: a no-op
 * `nx run app:migrate` loads neither autogenerate nor the dialects it does not use.
 *
 * Everything here is also exported by `@strata/engine`, which loads every verb and every dialect.
 *
 * @example
 * ```ts
 * import { loadRevisions, Output, resolveStreamSettings, RevisionGraph } from '@strata/engine/shell';
 * import { migrateCommand } from '@strata/engine/commands/migrate';
 * const stream = resolveStreamSettings({ cwd: 'apps/billing', requireUrl: true });
 * await migrateCommand(new Output({ json: false }), { stream, graph: new RevisionGraph(loadRevisions(stream.revisionsDir)), direction: 'up', target: 'head' });
 * ```
 *
 * @packageDocumentation
 */
export { StrataError, isStrataErrorLike } from './errors.js';
export { Output } from './report/output.js';
export {
  resolveStreamSettings,
  DEFAULT_LOCK_TIMEOUT_MS,
  type StreamSettings,
  type StreamLayout,
  type ResolveStreamSettingsOptions,
} from './config/stream-settings.js';
export { RevisionGraph } from './revision/revision-graph.js';
export { loadRevisions } from './revision/load-revisions.js';
export { redactUrl, dialectFromUrl, absoluteDatabaseUrl } from './dialects/url.js';
export { parseShard, type Shard } from './fanout/shard.js';
