import { checkStream, describeCheckFinding } from '../../autogenerate/check.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadGraph, streamLayout, streamSettings } from '../stream-options.js';
import { CheckFailedError } from './errors.js';

/** `strata check`. */
export const checkCommand: Command = {
  name: 'check',
  summary: 'Fail when a revision is missing, unguarded, or the stream has several heads.',
  usage: '[options]',
  description:
    'Fails (exit 1, with the list) when the Drizzle schema differs from what the revisions build (a revision was not\n' +
    'generated), when the stream has several heads, or when a revision holds a schema operation outside a guard.\n' +
    'With --db, also compares the live database, read back through the inspector, with the Drizzle schema.',
  options: {
    db: { type: 'boolean', description: 'Also compare the live database with the Drizzle schema (needs the URL).' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const layout = input.values.db ? streamSettings(input) : streamLayout(input);
    if (layout.dialect === undefined) throw new UsageError('strata check needs the dialect: configure the stream or pass --dialect.');
    const findings = await checkStream({
      stream: layout.name,
      dialect: layout.dialect,
      graph: loadGraph(layout),
      ...(layout.drizzle ? { schemaFiles: layout.drizzle.schemaFiles, ...(layout.drizzle.casing ? { casing: layout.drizzle.casing } : {}) } : {}),
      ...(input.values.db && layout.url ? { database: { url: layout.url } } : {}),
    });
    // Raw SQL the model cannot follow makes the revisions-vs-schema comparison impossible: a warning, not a failure.
    const failures = findings.filter((f) => f.kind !== 'blind-revision');
    for (const finding of findings.filter((f) => f.kind === 'blind-revision')) input.out.warn(`${describeCheckFinding(finding)}; the revisions were not compared with the Drizzle schema`);
    if (failures.length > 0) throw new CheckFailedError(layout.name, failures.map(describeCheckFinding), failures);
    input.out.result({ stream: layout.name, findings }, () =>
      input.out.line(
        `Stream "${layout.name}": one head, every operation guarded` +
          (!layout.drizzle
            ? ' (no Drizzle schema configured: schema not compared)'
            : failures.length < findings.length
              ? ' (revisions not compared with the Drizzle schema: see the warning)'
              : ', the revisions match the Drizzle schema') +
          (input.values.db ? ', the database matches it.' : '.'),
      ),
    );
  },
};
