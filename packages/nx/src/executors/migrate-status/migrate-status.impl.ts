import type { ExecutorContext } from '@nx/devkit';
import { runStrata } from '../../utils/run-executor';
import { fanOutTenants, namesTenants } from '../../utils/tenants';
import type { MigrateStatusExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-status`: the revisions the database is at (`strata current`) and the
 * stream's heads (`strata heads`), and whether the database is at head. With `tenantsFile` or
 * `tenantsSql`, a census: how many tenants stand at which revisions (`strata current --targets`).
 */
export default async function migrateStatusExecutor(options: MigrateStatusExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async (run) => {
    const { engine, out, settings, graph } = run;
    if (namesTenants(options)) return fanOutTenants(run, { command: 'current' }, options);
    const stream = settings();
    const revisions = graph(stream);
    const { heads: current } = await engine.current(stream);
    const allHeads = revisions.heads();
    const heads = options.resolveDependencies ? revisions.headsResolvingDependencies() : allHeads;
    const unknown = current.filter((id) => !revisions.has(id));
    const atHead = current.length === allHeads.length && current.every((id) => allHeads.includes(id));
    const pending = revisions.revisions.length - (current.length === 0 ? 0 : revisions.ancestors(current.filter((id) => revisions.has(id)), { inclusive: true }).length);
    const describe = (id: string) => (revisions.has(id) ? `${id}  ${revisions.get(id).message || '(no message)'}` : `${id}  (no revision file has this id)`);
    out.result({ stream: stream.name, current, heads, unknown, atHead, pending }, () => {
      out.line(`Stream "${stream.name}" (${stream.dialect}, ${engine.redactUrl(stream.url)})`);
      out.line(`  current:${current.length === 0 ? ' <base> (nothing applied)' : ''}`);
      for (const id of current) out.line(`    ${describe(id)}`);
      out.line(`  heads:${heads.length === 0 ? ' (no revisions)' : ''}`);
      for (const id of heads) out.line(`    ${describe(id)}`);
      out.line(atHead ? '  Up to date.' : `  ${pending} revision(s) to apply: nx run ${context.projectName ?? '<project>'}:migrate`);
    });
    return true;
  });
}
