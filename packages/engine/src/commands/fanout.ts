import { fanOut, fanoutHeading, type FanoutOptions, type FanoutResult } from '../fanout/fanout.js';
import { printFanoutResult, printTenantProgress } from '../report/fanout-report.js';
import type { Output } from '../report/output.js';

/**
 * A verb run on many tenant databases (`--targets`, `--targets-from-sql`; the Nx `tenantsFile`,
 * `tenantsSql`): a line per tenant as it finishes, the table (or the `--json` document) at the end,
 * and when a tenant failed, how to finish the job. Returns the result; a failed tenant never throws.
 *
 * @example
 * ```ts
 * import { fanOutCommand, Output } from '@strata/engine';
 * // const result = await fanOutCommand(new Output({ json: false }), { stream, graph, action: { command: 'upgrade', target: 'head' }, tenants: { file: 'tenants.txt' } });
 * // process.exitCode = result.summary.failed === 0 ? 0 : 1;
 * ```
 */
export async function fanOutCommand(out: Output, options: Omit<FanoutOptions, 'onTenant'>): Promise<FanoutResult> {
  const heading = fanoutHeading(options.action);
  const result = await fanOut({ ...options, onTenant: (tenant, progress) => printTenantProgress(out, heading, tenant, progress) });
  printFanoutResult(out, result);
  const { failed, total } = result.summary;
  if (failed > 0) {
    out.progress(`${failed} of ${total} tenant(s) failed (listed above). Fix them and run the same command again: the tenants already done are left as they are.`);
  }
  return result;
}
