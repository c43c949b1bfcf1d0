import type { FanoutResult, TenantReport } from '../fanout/fanout.js';
import { formatDuration } from './format-revision.js';
import type { Output } from './output.js';
import { guardDifferenceWarning } from './run-events.js';

/** What the lines of one fan-out share: the verb and its target. */
type FanoutHeading = Pick<FanoutResult, 'command' | 'target'>;

/**
 * Prints one tenant's outcome as it finishes, on stderr (`[12/70] ok  postgres://app:***@db/t12
 * <base> → 3f2a9c1d4e5b`), so a long fan-out shows its progress beside the `--json` document.
 *
 * @example
 * ```ts
 * import { fanOut, Output, printTenantProgress } from '@strata/engine';
 * const out = new Output({ json: false });
 * // await fanOut({ ..., onTenant: (tenant, progress) => printTenantProgress(out, { command: 'upgrade', target: 'head' }, tenant, progress) });
 * ```
 */
export function printTenantProgress(out: Output, heading: FanoutHeading, tenant: TenantReport, progress: { readonly done: number; readonly total: number }): void {
  const counter = `[${String(progress.done).padStart(String(progress.total).length)}/${progress.total}]`;
  const error = tenant.error ? `  ${tenant.error.code}: ${tenant.error.message}` : '';
  const where = heading.command === 'current' ? heads(tenant.headsAfter) : movement(tenant);
  const dropped = tenant.destructive.operations.length === 0 ? '' : `  ${tenant.destructive.operations.length} destructive operation(s)`;
  out.progress(`${counter} ${statusLabel(heading, tenant).padEnd(7)}  ${tenant.url}  ${where}  (${formatDuration(tenant.durationMs)})${dropped}${error}`);
  for (const { revision, difference } of tenant.differences) out.warn(`${tenant.url}: ${guardDifferenceWarning(revision, difference)}`);
}

/**
 * Prints a finished fan-out: a table of the tenants (URL with the password masked, status, from → to,
 * error code), or for `current` the census (how many tenants stand at which revisions), then each
 * failure's message and a summary line. `--json` prints the result as it is. Either way, each
 * destructive operation an upgrade ran is a warning on stderr, with the number of tenants it ran on.
 *
 * @example
 * ```ts
 * import { fanOut, Output, printFanoutResult } from '@strata/engine';
 * // const result = await fanOut({ ... });
 * // printFanoutResult(new Output({ json: false }), result);
 * ```
 */
export function printFanoutResult(out: Output, result: FanoutResult): void {
  printDestructiveSummary(out, result);
  out.result(result, () => {
    if (result.command === 'current') {
      printTable(out, ['REVISIONS', 'TENANTS'], result.census.map((entry) => [`${entry.heads.join(', ') || '<base>'}${entry.isHead ? ' (head)' : ''}`, String(entry.tenants)]));
    } else {
      printTable(out, ['TENANT', 'STATUS', 'FROM → TO', 'ERROR'], result.tenants.map((tenant) => [tenant.url, statusLabel(result, tenant), movement(tenant), tenant.error?.code ?? '']));
    }
    const failed = result.tenants.filter((tenant) => tenant.error !== undefined);
    if (failed.length > 0) out.line();
    for (const tenant of failed) out.line(`failed: ${tenant.url}: ${tenant.error?.code}: ${tenant.error?.message}`);
    out.line();
    out.line(summaryLine(result));
  });
}

/**
 * What the upgrade dropped, across tenants: each destructive operation (or revision that could not be
 * analysed) once, with how many tenants it was run on, as warnings (stderr) so that `--json` stays one document.
 */
function printDestructiveSummary(out: Output, result: FanoutResult): void {
  const counts = new Map<string, number>();
  for (const tenant of result.tenants) {
    const seen = new Set([
      ...tenant.destructive.operations.map((o) => `revision ${o.revision} ${o.severity === 'unknown' ? '(effect unknown) ' : ''}${o.description}`),
      ...tenant.destructive.unanalyzed.map((u) => `revision ${u.revision}: its operations could not be listed without running it (${u.reason}); review it for drops`),
    ]);
    for (const line of seen) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  for (const [line, tenants] of counts) out.warn(`stream "${result.stream}", ${line}, on ${tenants} tenant(s)`);
}

/** `Stream "app": upgrade head on 70 tenants (shard 1/4): 68 ok, 1 already at head, 1 failed.` */
function summaryLine(result: FanoutResult): string {
  const { summary } = result;
  const what = [result.command, result.target].filter((part) => part !== null).join(' ');
  const shard = result.shard ? ` (shard ${result.shard.index}/${result.shard.count})` : '';
  const counts = [
    `${summary.ok} ${result.command === 'current' ? 'read' : 'ok'}`,
    ...(result.command === 'current' ? [] : [`${summary.unchanged} already at ${result.target ?? ''}`]),
    `${summary.failed} failed`,
  ];
  return `Stream "${result.stream}": ${what} on ${summary.total} tenant(s)${shard}: ${counts.join(', ')}.`;
}

function statusLabel(heading: FanoutHeading, tenant: TenantReport): string {
  return tenant.status === 'unchanged' ? `already at ${heading.target ?? ''}` : tenant.status;
}

/** `a1 → b2`; `<base>` for no heads, `?` where the tenant could not be read. */
function movement(tenant: TenantReport): string {
  return `${heads(tenant.headsBefore)} → ${heads(tenant.headsAfter)}`;
}

function heads(ids: readonly string[] | null): string {
  return ids === null ? '?' : ids.join(',') || '<base>';
}

function printTable(out: Output, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  out.line(line(header));
  for (const row of rows) out.line(line(row));
}
