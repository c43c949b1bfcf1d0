import type { DestructiveReport, UpgradePreview } from '../autogenerate/check-destructive.js';
import type { Output } from './output.js';

/**
 * Prints, before an upgrade runs, which pending revisions drop tables, columns, constraints or
 * indexes (and which run raw SQL whose effect is unknown): one warning per operation, on stderr, so
 * it shows under `--json` too. Prints nothing when nothing pending drops anything.
 *
 * @example
 * ```ts
 * import { Output, previewUpgrade, printDestructive } from '@strata/engine';
 * // const preview = await previewUpgrade({ ... });
 * // printDestructive(new Output({ json: false }), preview.stream, preview.destructive);
 * ```
 */
export function printDestructive(out: Output, stream: string, report: DestructiveReport): void {
  for (const operation of report.operations) {
    const rows = operation.rows === undefined ? '' : ` (${operation.rows} row(s) ${operation.kind === 'dropColumn' ? 'hold a value' : 'now'})`;
    out.warn(`stream "${stream}", revision ${operation.revision} ${operation.severity === 'unknown' ? '(effect unknown) ' : ''}${operation.description}${rows}`);
  }
  for (const { revision, reason } of report.unanalyzed) {
    out.warn(`stream "${stream}", revision ${revision}: its operations could not be listed without running it (${reason}); review it for drops`);
  }
}

/**
 * Prints `strata upgrade --dry-run`: the revisions the upgrade would apply, then each destructive
 * operation with the rows it would affect, read from the live database. `--json` prints the preview.
 *
 * @example
 * ```ts
 * import { Output, previewUpgrade, printUpgradePreview } from '@strata/engine';
 * // printUpgradePreview(new Output({ json: false }), await previewUpgrade({ ..., estimateRows: true }), 'head');
 * ```
 */
export function printUpgradePreview(out: Output, preview: UpgradePreview, target: string): void {
  out.result({ dryRun: true, ...preview }, () => {
    const current = preview.headsBefore.join(', ') || '<base>';
    if (preview.revisions.length === 0) {
      out.line(`Stream "${preview.stream}" is already at ${target}: nothing to upgrade (dry run). Current: ${current}.`);
      return;
    }
    out.line(`Stream "${preview.stream}" (dry run, nothing changed): would apply ${preview.revisions.length} revision(s) from ${current}:`);
    for (const revision of preview.revisions) {
      const dropping = preview.destructive.operations.filter((o) => o.revision === revision);
      out.line(`  ${revision}${dropping.length > 0 ? `  (${dropping.length} destructive operation(s))` : ''}`);
      for (const operation of dropping) {
        const rows = operation.rows === undefined ? '' : operation.kind === 'dropColumn' ? `: ${operation.rows} row(s) hold a value` : `: ${operation.rows} row(s)`;
        out.line(`      ${operation.severity === 'unknown' ? '? ' : '! '}${operation.description}${rows}`);
      }
      const unlisted = preview.destructive.unanalyzed.find((u) => u.revision === revision);
      if (unlisted) out.line(`      ? operations not listed without running it: ${unlisted.reason}`);
    }
  });
}
