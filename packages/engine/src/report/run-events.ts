import type { RunEvent } from '../runner/events.js';
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
  } else if (event.type === 'guard-difference') {
    const d = event.difference;
    out.warn(`revision ${event.revision}: ${d.object} ${d.table ? `${d.table}.` : ''}${d.name} exists but differs: expected ${d.expected}; found ${d.actual} (the operation was skipped; --strict makes this an error)`);
  } else if (event.type === 'revision-done') {
    const arrow = event.direction === 'up' ? '↑' : '↓';
    out.line(`  ${arrow} [${event.index + 1}/${event.total}] ${event.revision}  ${event.message || '(no message)'}  (${formatDuration(event.durationMs)})`);
  }
}
