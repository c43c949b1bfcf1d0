import { describeUnsafeOperation, type UnsafeOperation } from '../autogenerate/check-safety.js';
import { UnsafeOperationsError } from '../autogenerate/errors.js';
import type { Output } from './output.js';

/**
 * Prints, before an upgrade runs, each pending operation that locks a live table for long (the
 * safety lint of `strata check`), one `safety:` warning per operation on stderr, so it shows under
 * `--json` too; operations their revision silences are left out. With `strict`, prints nothing and
 * throws {@link UnsafeOperationsError} listing them instead, so that no revision runs.
 *
 * @example
 * ```ts
 * import { Output, printUnsafe } from '@strata/engine';
 * printUnsafe(new Output({ json: false }), 'app', [], { strict: false, rerun: 'strata upgrade --strict-safety' });
 * ```
 */
export function printUnsafe(out: Output, stream: string, operations: readonly UnsafeOperation[], options: { readonly strict: boolean; readonly rerun: string }): void {
  const lines = operations.filter((o) => o.silenced === undefined).map((o) => `revision ${o.revision} ${describeUnsafeOperation(o)}`);
  if (options.strict && lines.length > 0) throw new UnsafeOperationsError(stream, lines, options.rerun);
  for (const line of lines) out.warn(`safety: stream "${stream}", ${line}`);
}
