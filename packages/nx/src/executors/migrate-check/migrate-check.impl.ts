import type { ExecutorContext } from '@nx/devkit';
import type { CheckFinding, Op } from '@strata/engine';
import { runStrata } from '../../utils/run-executor';
import type { MigrateCheckExecutorSchema } from './schema';

/**
 * `nx run <project>:migrate-check`: fails when the Drizzle schema differs from what the revisions build,
 * a revision holds an unguarded operation, or the stream has several heads; with `--db`, also when
 * the live database differs from the Drizzle schema.
 */
export default async function migrateCheckExecutor(options: MigrateCheckExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  return runStrata(options, context, async ({ engine, out, settings, layout, graph }) => {
    const stream = options.db ? settings() : layout();
    if (stream.dialect === undefined) {
      throw new engine.StrataError('NX_CHECK_NEEDS_DIALECT', `migrate-check needs the dialect of stream "${stream.name}".`, {
        hint: 'Configure the stream (drizzle.config or strata.config) or pass --dialect.',
      });
    }
    const findings = await engine.checkStream({
      stream: stream.name,
      dialect: stream.dialect,
      graph: graph(stream),
      ...(stream.drizzle ? { schemaFiles: stream.drizzle.schemaFiles, ...(stream.drizzle.casing ? { casing: stream.drizzle.casing } : {}) } : {}),
      ...(options.db && stream.url ? { database: { url: stream.url } } : {}),
    });
    if (findings.length > 0) {
      throw new engine.StrataError('NX_CHECK_FAILED', `Stream "${stream.name}" fails the check:\n${findings.map((f) => `  - ${describe(f)}`).join('\n')}`, {
        hint: `Fix each item, then run nx run ${context.projectName ?? '<project>'}:${context.targetName ?? 'migrate-check'} again.`,
        details: { stream: stream.name, findings },
      });
    }
    out.result({ stream: stream.name, findings: [] }, () =>
      out.line(
        `Stream "${stream.name}": one head, every operation guarded` +
          (stream.drizzle ? ', the revisions match the Drizzle schema' : ' (no Drizzle schema configured: schema not compared)') +
          (options.db ? ', the database matches it.' : '.'),
      ),
    );
  });
}

function describe(finding: CheckFinding): string {
  switch (finding.kind) {
    case 'multiple-heads':
      return `several heads: ${finding.heads.join(', ')} (migrate-merge)`;
    case 'unguarded-operation':
      return `unguarded op.${finding.operation.method} at ${finding.operation.file}:${finding.operation.line}`;
    case 'schema-not-generated':
      return `the Drizzle schema differs from the revisions (nx g @strata/nx:migration): ${summarize(finding.operations)}`;
    case 'database-drift':
      return `the database differs from the Drizzle schema: ${summarize(finding.operations)}`;
    case 'blind-revision':
      return `revision ${finding.revision} runs raw SQL the schema model cannot follow: ${finding.sql.split('\n')[0]}`;
  }
}

function summarize(ops: readonly Op[]): string {
  return ops.map((op) => `${op.kind} ${'table' in op ? op.table : 'name' in op ? op.name : ''}`.trim()).join(', ');
}
