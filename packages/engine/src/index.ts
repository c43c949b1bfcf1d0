/**
 * `@strata/engine`: Alembic's migration model (revision graph, version ledger, runner) for
 * Drizzle ORM users on PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * @packageDocumentation
 */
export { StrataError } from './errors.js';
export { TOOL_VERSION } from './version.js';

export { revision, type MigrationContext, type Revision, type RevisionDefinition } from './revision/revision.js';
export { loadRevisions, checksumOf } from './revision/load-revisions.js';
export { RevisionGraph } from './revision/revision-graph.js';
export { resolveTarget } from './revision/resolve-target.js';
export { planDowngrade, planStamp, planUpgrade, type Step } from './revision/plan.js';
export { newRevisionId, renderRevisionSource, revisionFileName, writeRevisionFile, RevisionFileExistsError } from './revision/write-revision.js';

export { upgrade, downgrade, stamp, current, appliedHistory } from './runner/runner.js';
export type { RunOptions, StampOptions, StampResult, CurrentResult, StreamTarget } from './runner/runner.js';
export type { RunEvent, RunListener, RunResult, StepResult } from './runner/events.js';
export { ChecksumMismatchError, RevisionFailedError } from './runner/errors.js';
export { VERSION_TABLE, HISTORY_TABLE, type HistoryEntry, type HistoryDirection } from './runner/ledger.js';

export { resolveStreamSettings, type StreamSettings } from './config/stream-settings.js';

export type { Connection, Row } from './dialects/connection.js';
export { DIALECT_NAMES, type Dialect, type DialectName, type DialectCapabilities } from './dialects/dialect.js';
export { loadDialect } from './dialects/registry.js';
export { redactUrl, dialectFromUrl } from './dialects/url.js';

export { ModuleLoadError, RevisionsFolderMissingError } from './loader/errors.js';
