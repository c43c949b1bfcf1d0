import type { Output } from '../report/output.js';
import { repair, type RepairOptions } from '../runner/runner.js';

/**
 * `strata repair` and the Nx `migrate-repair` target: records the current checksum of every applied
 * revision whose file was edited since, and lists them.
 *
 * @example
 * ```ts
 * import { Output, repairCommand } from '@strata/engine';
 * // await repairCommand(new Output({ json: false }), { stream, graph });
 * ```
 */
export async function repairCommand(out: Output, options: RepairOptions): Promise<void> {
  const result = await repair(options);
  out.result(result, () => {
    for (const entry of result.repaired) {
      out.line(`  repaired  ${entry.id}${entry.file ? ` (${entry.file})` : ''}: ${entry.recorded ?? '<none>'} -> ${entry.current}`);
    }
    const count = result.repaired.length;
    out.line(
      count === 0
        ? `Stream "${result.stream}": every applied revision matches its recorded checksum; nothing to repair.`
        : `Stream "${result.stream}": recorded the current checksum of ${count} edited revision${count === 1 ? '' : 's'}.`,
    );
  });
}
