import { checkStream, type CheckCommands } from '../autogenerate/check.js';
import type { TableOwner } from '../autogenerate/cross-stream.js';
import type { StreamLayout } from '../config/stream-settings.js';
import { StrataError } from '../errors.js';
import { reportCheck } from '../report/check-report.js';
import type { Output } from '../report/output.js';
import type { RevisionGraph } from '../revision/revision-graph.js';

/** What {@link checkCommand} checks, and how its hints name the fixes. */
export interface CheckCommandOptions {
  /** The stream; with `db`, its `url` is the database compared. */
  readonly stream: StreamLayout;
  readonly graph: RevisionGraph;
  /** Compare the live database with the Drizzle schema too (`--db`). */
  readonly db?: boolean;
  /** Fail on a pending operation that locks a live table for long (default: warn). */
  readonly strictSafety?: boolean;
  /** Which stream owns each table of the other streams (cross-stream foreign keys need a `dependsOn`). */
  readonly owners?: ReadonlyMap<string, TableOwner>;
  /** The commands the hints name as fixes (default: the `strata` verbs). */
  readonly commands?: CheckCommands;
  /** The command that runs the check again, in the person's spelling. */
  readonly rerun: string;
}

/** A check without a dialect: the revisions cannot be replayed. */
export class CheckDialectMissingError extends StrataError {
  static readonly CODE = 'AUTOGENERATE_CHECK_NEEDS_DIALECT';
  constructor(stream: string) {
    super(CheckDialectMissingError.CODE, `Checking stream "${stream}" needs its dialect, to replay its revisions.`, {
      hint: 'Configure the stream (drizzle.config or strata.config) or pass --dialect postgresql|mysql|sqlite.',
      details: { stream },
    });
  }
}

/**
 * `strata check` and the Nx `migrate-check` targets: every revision guarded, one head, the Drizzle
 * schema equal to what the revisions build, cross-stream foreign keys with their `dependsOn`; with
 * `db`, the live database equal to the Drizzle schema. Drops and long locks are warnings (long locks
 * fail with `strictSafety`); anything else fails with `AUTOGENERATE_CHECK_FAILED`.
 *
 * @example
 * ```ts
 * import { checkCommand, Output } from '@strata/engine';
 * // await checkCommand(new Output({ json: false }), { stream: layout, graph, rerun: 'strata check' });
 * ```
 */
export async function checkCommand(out: Output, options: CheckCommandOptions): Promise<void> {
  const { stream } = options;
  if (stream.dialect === undefined) throw new CheckDialectMissingError(stream.name);
  const findings = await checkStream({
    stream: stream.name,
    dialect: stream.dialect,
    graph: options.graph,
    ...(options.owners ? { owners: options.owners } : {}),
    ...(stream.drizzle ? { schemaFiles: stream.drizzle.schemaFiles, ...(stream.drizzle.casing ? { casing: stream.drizzle.casing } : {}) } : {}),
    ...(options.db === true && stream.url ? { database: { url: stream.url } } : {}),
  });
  reportCheck(out, {
    stream: stream.name,
    findings,
    drizzle: stream.drizzle !== undefined,
    database: options.db === true,
    strictSafety: options.strictSafety === true,
    rerun: options.rerun,
    ...(options.commands ? { commands: options.commands } : {}),
  });
}
