import type { GuardDifference } from '../inspect/inspector.js';
import type { RunEvent, RunResult } from '../runner/events.js';
import { formatDuration } from './format-revision.js';
import type { Output } from './output.js';

/**
 * Prints a run's progress as the `strata` command and the Nx executors show it: the plan, one line
 * per revision with its duration, and a warning per guard difference.
 *
 * @example
 * ```ts
 * import { Output, printRunEvent, upgrade } from '@strata/engine';
 * const out = new Output({ json: false });
 * // await upgrade({ ..., onEvent: (event) => printRunEvent(out, event) });
 * ```
 */
export function printRunEvent(out: Output, event: RunEvent): void {
  if (event.type === 'plan' && event.revisions.length > 0) {
    out.line(`Stream "${event.stream}": ${event.direction === 'up' ? 'applying' : 'reverting'} ${event.revisions.length} revision(s).`);
  } else if (event.type === 'warning') {
    out.warn(`${event.message} (${event.code})`);
  } else if (event.type === 'guard-difference') {
    out.warn(guardDifferenceWarning(event.revision, event.difference));
  } else if (event.type === 'lock-retry') {
    out.warn(
      `revision ${event.revision}: lock on ${event.table ?? 'a table'} not granted in ${formatDuration(event.timeoutMs)}, retry ${event.retry}/${event.retries} in ${formatDuration(event.delayMs)}`,
    );
  } else if (event.type === 'backfill-progress') {
    out.line(`    revision ${event.revision}: backfill ${event.table}: ${event.rows} row(s) in ${event.batches} batch(es)${event.done ? ', done' : ''}`);
  } else if (event.type === 'revision-done') {
    const arrow = event.direction === 'up' ? '↑' : '↓';
    out.line(`  ${arrow} [${event.index + 1}/${event.total}] ${event.revision}  ${event.message || '(no message)'}  (${formatDuration(event.durationMs)})`);
  }
}

/**
 * Prints a finished run: what a cascade reverted first, then how many revisions were applied or
 * reverted and where the stream stands (or that there was nothing to do). `--json` prints the result.
 *
 * @example
 * ```ts
 * import { Output, printRunResult } from '@strata/engine';
 * // const result = await upgrade({ ... });
 * // printRunResult(new Output({ json: false }), result, 'head');
 * ```
 */
export function printRunResult(out: Output, result: RunResult & { readonly cascaded?: readonly RunResult[] }, target: string): void {
  out.result(result, () => {
    for (const cascaded of result.cascaded ?? []) {
      out.line(`Stream "${cascaded.stream}" (cascade): ${cascaded.steps.length} revision(s) reverted. Current: ${cascaded.headsAfter.join(', ') || '<base>'}.`);
    }
    const current = result.headsAfter.join(', ') || '<base>';
    if (result.steps.length === 0) {
      out.line(`Stream "${result.stream}" is already at ${target}: nothing to ${result.direction === 'up' ? 'upgrade' : 'downgrade'}. Current: ${current}.`);
    } else {
      const total = result.steps.reduce((sum, step) => sum + step.durationMs, 0);
      out.line(`Stream "${result.stream}": ${result.steps.length} revision(s) ${result.direction === 'up' ? 'applied' : 'reverted'} in ${formatDuration(total)}. Current: ${current}.`);
    }
  });
}

/** @internal The warning for a guard that found its object defined differently. */
export function guardDifferenceWarning(revision: string, d: GuardDifference): string {
  return `revision ${revision}: ${d.object} ${d.table ? `${d.table}.` : ''}${d.name} exists but differs: expected ${d.expected}; found ${d.actual} (the operation was skipped; --strict makes this an error)`;
}
