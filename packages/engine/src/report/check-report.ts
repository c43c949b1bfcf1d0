import { describeCheckFinding, STRATA_COMMANDS, WARNING_FINDINGS, type CheckCommands, type CheckFinding } from '../autogenerate/check.js';
import { CheckFailedError, UnsafeOperationsError } from '../autogenerate/errors.js';
import type { Output } from './output.js';

/** What {@link reportCheck} prints about. */
export interface CheckReport {
  readonly stream: string;
  readonly findings: readonly CheckFinding[];
  /** Whether a Drizzle schema was compared. */
  readonly drizzle: boolean;
  /** Whether the live database was compared (`--db`). */
  readonly database: boolean;
  /** The commands named as fixes (default: the `strata` verbs). */
  readonly commands?: CheckCommands;
  /** The command that runs the check again, for the hint (default `strata check`). */
  readonly rerun?: string;
  /**
   * Fail (`AUTOGENERATE_CHECK_UNSAFE`) when a pending operation locks a live table for long and its
   * revision does not silence it (`--strict-safety`); by default such operations are warnings.
   */
  readonly strictSafety?: boolean;
}

/**
 * Prints a check's outcome the same way for the CLI and the Nx executor: raw SQL the model cannot
 * follow as a warning (the revisions-vs-schema comparison was impossible, not failed), each
 * destructive operation of a pending revision as a `destructive:` warning (dropping is allowed, but
 * never silent), each operation that locks a live table for long as a `safety:` warning (a
 * {@link UnsafeOperationsError} with `strictSafety`; listed as silenced, with its reason, when its
 * revision accepts it), every other finding as a {@link CheckFailedError}, else one line saying what was verified.
 *
 * @example
 * ```ts
 * import { checkStream, Output, reportCheck } from '@strata/engine';
 * // const findings = await checkStream({ ... });
 * // reportCheck(new Output({ json: false }), { stream: 'accounts', findings, drizzle: true, database: false });
 * ```
 */
export function reportCheck(out: Output, report: CheckReport): void {
  const commands = report.commands ?? STRATA_COMMANDS;
  const blind = report.findings.filter((f) => f.kind === 'blind-revision');
  const dropping = report.findings.filter((f) => f.kind === 'destructive-operation' || f.kind === 'unlisted-operations');
  const failures = report.findings.filter((f) => !WARNING_FINDINGS.has(f.kind));
  const unsafe = report.findings.filter((f) => f.kind === 'unsafe-operation');
  const unsilenced = unsafe.filter((f) => f.operation.silenced === undefined);
  const silenced = unsafe.filter((f) => f.operation.silenced !== undefined);
  for (const finding of blind) out.warn(`${describeCheckFinding(finding, commands)}; the revisions were not compared with the Drizzle schema`);
  for (const finding of dropping) out.warn(`destructive: ${describeCheckFinding(finding, commands)}`);
  for (const finding of unsilenced) out.warn(`safety: ${describeCheckFinding(finding, commands)}`);
  const rerun = report.rerun ?? 'strata check';
  if (failures.length > 0) {
    throw new CheckFailedError(report.stream, failures.map((f) => describeCheckFinding(f, commands)), failures, rerun);
  }
  if (report.strictSafety && unsilenced.length > 0) {
    throw new UnsafeOperationsError(report.stream, unsilenced.map((f) => describeCheckFinding(f, commands)), rerun);
  }
  const schema = !report.drizzle
    ? ' (no Drizzle schema configured: schema not compared)'
    : blind.length > 0
      ? ' (revisions not compared with the Drizzle schema: see the warning)'
      : ', the revisions match the Drizzle schema';
  out.result({ stream: report.stream, findings: report.findings }, () => {
    out.line(
      `Stream "${report.stream}": one head, every operation guarded${schema}${report.database ? ', the database matches it.' : '.'}` +
        pendingSummary(dropping, unsilenced.length),
    );
    for (const finding of silenced) out.line(`  safety, silenced (${finding.operation.silenced}): ${describeCheckFinding(finding, commands)}`);
  });
}

/** ` 2 destructive operation(s) pending, 1 operation(s) that lock a live table for long, 1 revision(s) whose operations could not be listed: see the warnings.`, or nothing. */
function pendingSummary(dropping: readonly CheckFinding[], unsafe: number): string {
  const operations = dropping.filter((f) => f.kind === 'destructive-operation').length;
  const unlisted = dropping.length - operations;
  const parts = [
    ...(operations > 0 ? [`${operations} destructive operation(s) pending`] : []),
    ...(unsafe > 0 ? [`${unsafe} operation(s) that lock a live table for long`] : []),
    ...(unlisted > 0 ? [`${unlisted} revision(s) whose operations could not be listed`] : []),
  ];
  return parts.length > 0 ? ` ${parts.join(', ')}: see the warnings.` : '';
}
