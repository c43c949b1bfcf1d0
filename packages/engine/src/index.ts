/**
 * `@strata/engine`: Alembic's migration model (revision graph, version ledger, runner) for
 * Drizzle ORM users on PostgreSQL, MySQL/MariaDB and SQLite.
 *
 * @packageDocumentation
 */
export { StrataError, isStrataErrorLike } from './errors.js';
export { TOOL_VERSION } from './version.js';

export { parseDuration, revision, type MigrationContext, type BackfillOptions, type BackfillResult, type Revision, type RevisionDefinition, type SafetyAllowance } from './revision/revision.js';
export { loadRevisions, checksumOf } from './revision/load-revisions.js';
export { RevisionGraph } from './revision/revision-graph.js';
export { revisionsInRange } from './revision/revision-range.js';
export { resolveTarget, newRevisionParents, parseTarget, targetBranch, type TargetPurpose } from './revision/resolve-target.js';
export { mergeParents } from './revision/merge-parents.js';
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
  AmbiguousParentError,
  NothingToMergeError,
  MergeNotHeadError,
  RangeNotAncestorError,
  RelativeMoveError,
  InvalidDowngradeTargetError,
  InvalidUpgradeTargetError,
  UnknownCurrentRevisionError,
  InvalidRangeError,
  REVISION_ERROR_CODES,
} from './revision/errors.js';

export { upgrade, downgrade, stamp, repair, current, appliedHistory, readLedger, type LedgerState } from './runner/runner.js';
export type { RunOptions, RunPlan, StampOptions, StampResult, RepairOptions, RepairResult, RepairedRevision, CurrentResult, CurrentOptions, StreamTarget } from './runner/runner.js';
export { upgradeStream, type UpgradeStreamOptions, type UpgradeStreamResult } from './runner/upgrade-stream.js';
export type { RunEvent, RunListener, RunResult, StepResult } from './runner/events.js';
export { ChecksumMismatchError, DdlLockTimeoutError, RevisionFailedError, GuardDifferenceError, ConcurrentIndexInTransactionError, LedgerMismatchError } from './runner/errors.js';
export { compareLedger, type LedgerDisagreement } from './runner/ledger-check.js';
export { type HistoryEntry, type HistoryDirection, type HistoryState } from './runner/ledger.js';
export { VERSION_TABLE, HISTORY_TABLE } from './dialects/strata-tables.js';

export {
  resolveStreamSettings,
  DATABASE_URL_ENV,
  DEFAULT_LOCK_TIMEOUT_MS,
  SAFETY_MODES,
  type SafetyMode,
  TRANSACTION_MODES,
  type TransactionMode,
  type StreamSettings,
  type StreamLayout,
  type DrizzleSchemaSettings,
  type DdlSettings,
  type ResolveStreamSettingsOptions,
} from './config/stream-settings.js';
export {
  ConfigFileNotFoundError,
  ConfigAmbiguousFileError,
  ConfigInvalidError,
  ConfigUnsupportedDialectError,
  ConfigUnsupportedDriverError,
  ConfigUnsupportedSettingError,
  ConfigDuplicateSettingError,
  ConfigDialectMismatchError,
  ConfigMissingUrlError,
  ConfigMissingDialectError,
  ConfigInvalidStreamNameError,
} from './config/errors.js';

export { withConnection, type Connection, type Row } from './dialects/connection.js';
export {
  DIALECT_NAMES,
  type Dialect,
  type DialectName,
  type DialectCapabilities,
  type LedgerTypes,
  type LockOptions,
  type ConnectOptions,
  type MigrationLock,
} from './dialects/dialect.js';
export { loadDialect } from './dialects/registry.js';
export { redactUrl, scrubPassword, dialectFromUrl, sqlitePathFromUrl, absoluteDatabaseUrl } from './dialects/url.js';
export { maskQuotedSecrets, maskStatementSecrets } from './dialects/sql-secrets.js';
export {
  DIALECT_ERROR_CODES,
  DriverMissingError,
  InvalidUrlError,
  ConnectionRefusedError,
  HostNotFoundError,
  AuthenticationError,
  UnknownDatabaseError,
  NoDatabaseError,
  ConnectionFailedError,
  ConnectionLostError,
  HeldTransactionError,
  SqliteCannotOpenError,
  DatabaseFileMissingError,
  SqliteBusyError,
  isDatabaseLocked,
  LockTimeoutError,
  QueryFailedError,
  OnlineDdlRefusedError,
  EmbeddedExtensionMissingError,
  PgliteCannotOpenError,
  PermissionDeniedError,
  type MissingPrivilege,
  MultipleStatementsError,
  UnsupportedOperationError,
  IdentifierTooLongError,
  RecreateNeedsTableError,
  ExistingColumnUnknownError,
  RecreateTargetMissingError,
} from './dialects/errors.js';

export { ModuleLoadError, ModuleThrewError, RevisionsFolderMissingError } from './loader/errors.js';

export type * from './schema/model.js';
export { emptySchema } from './schema/model.js';
export { comparableSchema, statedDefault, statedDefinition, statedExpression, statedWhere, toSequenceModel } from './schema/stated.js';
export { shortenIdentifier, type IdentifierLimit } from './schema/identifiers.js';
export { qualifiedName, splitQualifiedName, type QualifiedName } from './schema/qualified-name.js';
export type * from './ops/op.js';
export { OP_KINDS } from './ops/op.js';
export {
  createOpBuilders,
  validateOp,
  FOREIGN_KEY_ACTIONS,
  POLICY_COMMANDS,
  type OpBuilders,
  type BatchOperations,
  type CreateTableOptions,
  type AlterColumnOptions,
  type IndexOptions,
  type AddColumnOptions,
  type DropIndexOptions,
  type UniqueOptions,
  type CheckConstraintOptions,
  type ForeignKeyOptions,
  type EnumValuePosition,
  type PolicyOptions,
  type AlterPolicyOptions,
  type RoleOptions,
  type ViewOptions,
  type DropViewOptions,
} from './ops/op-builders.js';
export { applyToModel, toPolicyModel, toPolicyRoles } from './ops/apply-to-model.js';
export { reverseOp } from './ops/reverse.js';
export { serverName, withServerNames } from './ops/server-names.js';
export {
  TableMissingError,
  ColumnMissingError,
  ObjectMissingError,
  ObjectExistsError,
  ObjectInUseError,
  InvalidOpError,
  IrreversibleOpError,
  type SchemaObjectKind,
} from './ops/errors.js';
export type { Inspector, IndexDescription, GuardDifference } from './inspect/inspector.js';
export { SchemaInspector, liveSchemaSource, modelSchemaSource, type SchemaSource, type SchemaInspectorOptions } from './inspect/schema-inspector.js';
export type { Renderer, RenderContext, SchemaNormalizer } from './dialects/renderer.js';
export type { RevisionScope } from './dialects/revision-scope.js';
export { PostgresDialect } from './dialects/postgres/postgres-dialect.js';
export { PostgresConnection, postgresUrlSchema } from './dialects/postgres/postgres-connection.js';
export { postgresLockKey } from './dialects/postgres/postgres-lock.js';
export { PgliteConnection, pgliteLocation, isPgliteUrl, disposePglite, PGLITE_CONTRIB_EXTENSIONS, type PgliteLocation } from './dialects/postgres/pglite-connection.js';
export { MysqlDialect } from './dialects/mysql/mysql-dialect.js';
export { SqliteDialect } from './dialects/sqlite/sqlite-dialect.js';
export { PostgresRenderer } from './dialects/postgres/postgres-renderer.js';
export { MysqlRenderer } from './dialects/mysql/mysql-renderer.js';
export { SqliteRenderer } from './dialects/sqlite/sqlite-renderer.js';
export { PostgresNormalizer } from './dialects/postgres/postgres-normalizer.js';
export { MysqlNormalizer } from './dialects/mysql/mysql-normalizer.js';
export { SqliteNormalizer } from './dialects/sqlite/sqlite-normalizer.js';
export { readPostgresSchema, readPostgresRoles, readPostgresUnmodelled } from './dialects/postgres/postgres-schema-reader.js';
export { readMysqlSchema, readMysqlUnmodelled } from './dialects/mysql/mysql-schema-reader.js';
export { readSqliteSchema, readSqliteStored, readSqliteUnmodelled } from './dialects/sqlite/sqlite-schema-reader.js';
export { isRecreateChange, needsRecreate, planRecreate } from './dialects/sqlite/sqlite-recreate.js';
export { ForeignKeyViolationError } from './dialects/sqlite/sqlite-revision-scope.js';
export { DrizzleMissingError } from './dialects/drizzle-binding.js';
export { STRATA_TABLES } from './dialects/strata-tables.js';

export { renderOfflineScript, replaySchema, recordOperations, type RecordedOperation, type RecordedRevision, OfflineRangeError, OfflineBlindReplayError, type OfflineOptions, type OfflineResult, type ReplayResult } from './offline/offline-runner.js';
export { LiveSink, ScriptSink, type SqlSink } from './runner/sql-sink.js';
export { SQL_NOW } from './dialects/sql-now.js';
export { stampCommand } from './commands/stamp.js';
export { revisionCommand, DISK_REVISION_WRITER, type RevisionCommandOptions, type RevisionCommandResult, type RevisionFileWriter } from './commands/revision.js';
export { currentCommand, statusCommand, type StreamStatus } from './commands/current.js';
export { headsCommand, branchesCommand, showCommand } from './commands/graph-views.js';
export { testCommand, type TestCommandOptions, type TestDependency } from './commands/test.js';
export { initCommand, InitDuplicateSettingError, type InitCommandOptions, type InitCommandResult } from './commands/init.js';
export { DRIZZLE_CONFIG_NAMES, STRATA_CONFIG_NAMES } from './config/config-files.js';
export { mergeCommand, type MergeCommandOptions, type MergeCommandResult } from './commands/merge.js';
export { parseRenameHints, type RenameHintTexts } from './autogenerate/rename-hints.js';
export { repairCommand } from './commands/repair.js';
export { checkCommand, CheckDialectMissingError, type CheckCommandOptions } from './commands/check.js';
export { historyCommand, type HistoryCommandOptions } from './commands/history.js';
export { fanOutCommand } from './commands/fanout.js';
export { migrateCommand, upgradeDryRunCommand, offlineCommand, OfflineDialectMissingError, StrictSafetyOfflineError, type MigrateCommandOptions, type UpgradeDryRunOptions } from './commands/migrate.js';
export { OfflineNeedsDatabaseError } from './runner/migration-context.js';

export { readDrizzleSchema, type DrizzleCasing, type DrizzleReadingDialect, type ReadDrizzleSchemaOptions } from './schema/drizzle-adapter.js';
export {
  SchemaFileLoadError,
  SchemaNoTablesError,
  SchemaQualifiedNameError,
  SchemaUnsupportedColumnFeatureError,
  SchemaIdentifierTooLongError,
  SchemaDrizzleKitMissingError,
  SchemaDrizzleKitFailedError,
} from './schema/errors.js';
export { diffSchemas, type DiffOptions, type SchemaDiff, type AmbiguousRename, type DestructiveChange } from './autogenerate/diff.js';
export { planGeneratedRevision, type GenerateOptions, type GeneratedPlan, type RenameHints } from './autogenerate/generate.js';
export { toSafeForms } from './autogenerate/safe-forms.js';
export { renderGeneratedRevision, type GeneratedRevisionInput, type DestructiveOperation } from './autogenerate/render-revision.js';
export { writeGeneratedRevision, type WriteGeneratedOptions } from './autogenerate/write-generated.js';
export { findUnguardedOperations, type UnguardedOperation } from './autogenerate/check-guards.js';
export {
  tableOwners,
  type TableOwner,
  type OwnerStream,
  type CrossStreamForeignKey,
  type MissingCrossStreamDependency,
} from './autogenerate/cross-stream.js';
export {
  classifyOperation,
  findDestructiveOperations,
  destructiveOperationsOf,
  recordPending,
  previewUpgrade,
  type PendingOptions,
  type PendingOperations,
  type PendingDestructiveOperation,
  type DestructiveReport,
  type DestructiveSeverity,
  type UnanalyzedRevision,
  type UpgradePreview,
} from './autogenerate/check-destructive.js';
export { printDestructive, printUpgradePreview } from './report/destructive-report.js';
export { printUnsafe } from './report/safety-report.js';
export { checkStream, describeCheckFinding, STRATA_COMMANDS, type CheckCommands, type CheckFinding, type CheckOptions } from './autogenerate/check.js';
export { describeAmbiguous, pushSchema, type PushOptions, type PushPlan, type PushResult } from './autogenerate/push.js';
export { pullSchema, type PullOptions, type PullResult } from './autogenerate/pull.js';
export { renderDrizzleSchema } from './autogenerate/render-drizzle-schema.js';
export { jsString, sqlStringLiteral, typeParts, type DrizzleColumnCall, type DrizzleFlavour } from './dialects/drizzle-flavour.js';
export { POSTGRES_DRIZZLE_FLAVOUR } from './dialects/postgres/postgres-drizzle-flavour.js';
export { MYSQL_DRIZZLE_FLAVOUR } from './dialects/mysql/mysql-drizzle-flavour.js';
export { SQLITE_DRIZZLE_FLAVOUR } from './dialects/sqlite/sqlite-drizzle-flavour.js';
export type { DrizzleKitApi, DrizzleSnapshotRules } from './dialects/drizzle-snapshot.js';
export { reportCheck, type CheckReport } from './report/check-report.js';
export { describeUnsafeOperation, findLiveUnsafeOperations, findUnsafeOperations, withRowEstimates, type UnsafeOperation } from './autogenerate/check-safety.js';
export { lockCost, type DdlTimeouts, type LockCost, type SafetyRule, type SafetyRuleContext, type SafetyRules, type TimeoutScope } from './dialects/safety.js';
export { isBinaryCoercible, notNullProofSkipsScan, POSTGRES_SAFETY_RULES } from './dialects/postgres/postgres-safety.js';
export { isInplaceTypeChange, MYSQL_SAFETY_RULES } from './dialects/mysql/mysql-safety.js';
export { SQLITE_SAFETY_RULES } from './dialects/sqlite/sqlite-safety.js';
export { reportAppliedHistory } from './report/history-report.js';
export {
  UnknownRenameError,
  InvalidRenameError,
  EnumChangeUnsupportedError,
  EnumRenameHintError,
  AmbiguousRenameError,
  BlindReplayError,
  RenameHintFormatError,
  AutogenerateNeedsDrizzleSchemaError,
  CheckFailedError,
  UnsafeOperationsError,
  PushDestructiveError,
  PushMigratedDatabaseError,
  PushFailedError,
  PullUnsupportedError,
  PullFileExistsError,
} from './autogenerate/errors.js';

export type { DowngradeResult } from './runner/runner.js';
export type { Workspace, WorkspaceStream } from './runner/dependencies.js';
export { DependencyNotAppliedError, UnknownStreamError, DependentsAppliedError, type CrossStreamReference } from './runner/errors.js';

export {
  fanOut,
  fanoutHeading,
  resolveTenants,
  DEFAULT_FANOUT_CONCURRENCY,
  type FanoutAction,
  type FanoutOptions,
  type FanoutResult,
  type FanoutStream,
  type TenantSource,
  type TenantReport,
  type TenantStatus,
} from './fanout/fanout.js';
export type { CensusEntry } from './fanout/census.js';
export { parseTargets, resolveTenant, readTargetsFile, queryTargets, type TargetLine, type TenantTarget, type TargetsQueryDatabase } from './fanout/targets.js';
export { parseShard, shardOf, inShard, type Shard } from './fanout/shard.js';
export { TargetsFileNotFoundError, InvalidTargetError, NoTargetsError, InvalidShardError, InvalidConcurrencyError, TargetsQueryFailedError } from './fanout/errors.js';
export { printFanoutResult, printTenantProgress } from './report/fanout-report.js';

export { Output } from './report/output.js';
export { formatDuration, historyEntryLine, markers, revisionBlock, revisionJson, revisionLine } from './report/format-revision.js';
export { printRunEvent, printRunResult } from './report/run-events.js';
