import type { Output } from '../report/output.js';
import { stamp, type StampOptions } from '../runner/runner.js';

/**
 * `strata stamp` and the Nx `migrate-stamp` target: sets the stream's version rows to the targets
 * without running a revision, then prints each revision (un)marked and where the stream now stands.
 *
 * @example
 * ```ts
 * import { Output, stampCommand } from '@strata/engine';
 * // await stampCommand(new Output({ json: false }), { stream, graph, targets: ['head'] });
 * ```
 */
export async function stampCommand(out: Output, options: StampOptions): Promise<void> {
  const result = await stamp(options);
  out.result(result, () => {
    for (const id of result.unmarked) out.line(`  unstamped ${id}`);
    for (const id of result.marked) out.line(`  stamped   ${id}`);
    out.line(`Stream "${result.stream}" stamped: ${result.headsBefore.join(', ') || '<base>'} -> ${result.headsAfter.join(', ') || '<base>'}.`);
  });
}
