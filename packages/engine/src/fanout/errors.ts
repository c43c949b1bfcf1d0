import { maskStatementError } from '../dialects/sql-secrets.js';
import { StrataError } from '../errors.js';

/** The targets file (`--targets FILE`) does not exist or cannot be read. */
export class TargetsFileNotFoundError extends StrataError {
  static readonly CODE = 'FANOUT_TARGETS_FILE_NOT_FOUND';
  constructor(file: string, cause?: unknown) {
    super(TargetsFileNotFoundError.CODE, `The targets file ${file} cannot be read${cause instanceof Error ? `: ${cause.message}` : ''}.`, {
      hint: 'Write the tenant databases\' URLs there, one per line (blank lines and # comments are ignored), or pass --targets-from-sql "SELECT url FROM tenants" to read them from the stream\'s own database.',
      details: { file },
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

/** A line of the targets file is not one database URL Strata can connect to. */
export class InvalidTargetError extends StrataError {
  static readonly CODE = 'FANOUT_INVALID_TARGET';
  constructor(source: string, line: number, target: string, reason: string) {
    super(InvalidTargetError.CODE, `${source}, line ${line}: "${target}" is not a tenant URL: ${reason}.`, {
      hint: 'Put one URL per line: postgres://…, mysql://…, file:path for SQLite (a relative path is relative to the targets file). Comment a line out with #.',
      details: { source, line, target },
    });
  }
}

/** The targets file or query named no tenant at all. */
export class NoTargetsError extends StrataError {
  static readonly CODE = 'FANOUT_NO_TARGETS';
  constructor(source: string) {
    super(NoTargetsError.CODE, `${source} names no tenant database: nothing to run on.`, {
      hint: 'Add the tenant URLs (one per line, # for comments), or check that the targets query returns rows.',
      details: { source },
    });
  }
}

/** `--shard` is not `i/n` with 1 ≤ i ≤ n. */
export class InvalidShardError extends StrataError {
  static readonly CODE = 'FANOUT_INVALID_SHARD';
  constructor(spec: string) {
    super(InvalidShardError.CODE, `--shard "${spec}" is not a shard: it takes i/n, the i-th of n shards, with 1 ≤ i ≤ n.`, {
      hint: 'In a CI matrix of 4 jobs, pass --shard 1/4 to the first job, --shard 2/4 to the second, and so on: together the shards cover every tenant once.',
      details: { spec },
    });
  }
}

/** `--concurrency` is not a whole number of at least 1. */
export class InvalidConcurrencyError extends StrataError {
  static readonly CODE = 'FANOUT_INVALID_CONCURRENCY';
  constructor(value: unknown) {
    super(InvalidConcurrencyError.CODE, `--concurrency takes a whole number of tenants to run at once (1 or more), not "${String(value)}".`, {
      hint: 'Pass --concurrency 4 (the default), or 1 to run the tenants one after another.',
      details: { value: String(value) },
    });
  }
}

/** The targets query (`--targets-from-sql`) failed, or there is no database to run it on. */
export class TargetsQueryFailedError extends StrataError {
  static readonly CODE = 'FANOUT_TARGETS_QUERY_FAILED';
  constructor(options: { sql: string; database: string | undefined; reason: string; cause?: unknown }) {
    const where = options.database === undefined ? 'no database (the stream has no URL)' : options.database;
    // A query that builds tenant URLs may write their passwords.
    const { sql, reason } = maskStatementError(options);
    super(TargetsQueryFailedError.CODE, `The targets query \`${sql}\` failed on ${where}: ${reason.replace(/\.\s*$/, '')}.`, {
      hint:
        options.database === undefined
          ? 'The query runs on the stream\'s own database: pass --url (or configure the stream\'s URL), or list the tenants in a file with --targets FILE.'
          : 'Fix the query (its first column must be the tenant URL) and run the same command again; `strata current` without the targets option checks the stream\'s own database.',
      details: { sql, ...(options.database === undefined ? {} : { database: options.database }) },
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
  }
}
