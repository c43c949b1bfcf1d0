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
export { resolveTarget, parseTarget, targetBranch, type TargetPurpose } from './revision/resolve-target.js';
export { planDowngrade, planStamp, planUpgrade, type Step, type StampPlan, type PlanOptions } from './revision/plan.js';
export { HeadTracker } from './revision/head-tracker.js';
export { newRevisionId, renderRevisionSource, revisionFileName, writeRevisionFile, RevisionFileExistsError } from './revision/write-revision.js';
export {
  InvalidRevisionError,
  DuplicateRevisionError,
  MissingParentError,
  SelfLoopError,
  CycleError,
  DependencyCycleError,
  UnknownDependencyError,
  DuplicateLabelError,
  AmbiguousPrefixError,
  UnknownRevisionError,
  UnknownBranchError,
  NotInBranchError,
  MultipleHeadsError,
  RelativeMoveError,
  InvalidDowngradeTargetError,
  InvalidUpgradeTargetError,
  UnknownCurrentRevisionError,
  REVISION_ERROR_CODES,
} from './revision/errors.js';

export { upgrade, downgrade, stamp, current, appliedHistory } from './runner/runner.js';
export type { RunOptions, StampOptions, StampResult, CurrentResult, StreamTarget } from './runner/runner.js';
export type { RunEvent, RunListener, RunResult, StepResult } from './runner/events.js';
export { ChecksumMismatchError, RevisionFailedError } from './runner/errors.js';
export { VERSION_TABLE, HISTORY_TABLE, type HistoryEntry, type HistoryDirection } from './runner/ledger.js';

export {
  resolveStreamSettings,
  DATABASE_URL_ENV,
  DEFAULT_LOCK_TIMEOUT_MS,
  type StreamSettings,
  type StreamLayout,
  type ResolveStreamSettingsOptions,
} from './config/stream-settings.js';
export {
  ConfigFileNotFoundError,
  ConfigAmbiguousFileError,
  ConfigInvalidError,
  ConfigUnsupportedDialectError,
  ConfigUnsupportedDriverError,
  ConfigDuplicateSettingError,
  ConfigDialectMismatchError,
  ConfigMissingUrlError,
  ConfigMissingDialectError,
  ConfigInvalidStreamNameError,
} from './config/errors.js';

export type { Connection, Row } from './dialects/connection.js';
export {
  DIALECT_NAMES,
  type Dialect,
  type DialectName,
  type DialectCapabilities,
  type LedgerTypes,
  type LockOptions,
  type MigrationLock,
} from './dialects/dialect.js';
export { loadDialect } from './dialects/registry.js';
export { redactUrl, scrubPassword, dialectFromUrl, sqlitePathFromUrl } from './dialects/url.js';
export {
  DIALECT_ERROR_CODES,
  DriverMissingError,
  InvalidUrlError,
  ConnectionRefusedError,
  HostNotFoundError,
  AuthenticationError,
  UnknownDatabaseError,
  ConnectionFailedError,
  ConnectionLostError,
  SqliteCannotOpenError,
  LockTimeoutError,
  QueryFailedError,
  MultipleStatementsError,
} from './dialects/errors.js';

export { ModuleLoadError, RevisionsFolderMissingError } from './loader/errors.js';
