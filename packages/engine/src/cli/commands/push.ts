import { createInterface } from 'node:readline/promises';
import type { AmbiguousRename } from '../../autogenerate/diff.js';
import type { PushPlan, PushResult } from '../../autogenerate/push.js';
import type { Output } from '../../report/output.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadGraph, streamSettings } from '../stream-options.js';

/** `strata push`: the Drizzle schema applied to a development database, with no revision. */
export const pushCommand: Command = {
  name: 'push',
  summary: 'Apply the Drizzle schema to a development database directly, without a revision.',
  usage: '[options]',
  description:
    'Compares the stream\'s Drizzle schema with the database (the comparison `strata check --db` makes) and runs the\n' +
    'difference: no revision file, no row in strata_version or strata_history. It prints the SQL first, then runs it under\n' +
    'the migration lock, in one transaction on PostgreSQL and SQLite. It refuses (AUTOGENERATE_PUSH_DESTRUCTIVE) drops, type\n' +
    'narrowing, a NOT NULL column without a default and everything else autogenerate marks destructive, and\n' +
    '(AUTOGENERATE_PUSH_MIGRATED_DATABASE) a database where the stream has applied revisions, unless --force, or a yes on\n' +
    'an interactive terminal (never asked when stdin is not a TTY or CI is set). It changes only the tables and types the\n' +
    'stream owns (its Drizzle schema\'s and its revisions\'); other tables are listed and left alone. For development\n' +
    'databases: a database that is deployed gets revisions (`strata revision --autogenerate`, `strata upgrade`).',
  options: {
    force: { type: 'boolean', description: 'Run destructive operations, and push to a database the stream\'s revisions migrated, without asking.' },
    'dry-run': { type: 'boolean', description: 'Print the SQL push would run and change nothing (no lock taken).' },
    sql: { type: 'boolean', description: 'The same as --dry-run: the SQL as a script on stdout, warnings on stderr.' },
  },
  streamOptions: true,
  maxPositionals: 0,
  async run(input) {
    const settings = streamSettings(input);
    if (settings.drizzle === undefined) {
      throw new UsageError(
        `strata push needs the stream's Drizzle schema: ${settings.projectDir} has no drizzle.config.* with \`schema\`.`,
        'Add a drizzle.config.ts (dialect, schema, dbCredentials) to the project, or pass --drizzle-config FILE.',
      );
    }
    const dryRun = input.values['dry-run'] === true || input.values.sql === true;
    const { out } = input;
    const { describeAmbiguous, pushSchema } = await import('../../autogenerate/push.js');
    const result = await pushSchema({
      stream: settings,
      graph: loadGraph(settings, { missingIsEmpty: true }),
      schemaFiles: settings.drizzle.schemaFiles,
      ...(settings.drizzle.casing ? { casing: settings.drizzle.casing } : {}),
      dryRun,
      force: input.values.force === true,
      onPlan: (plan) => printPlan(out, plan, describeAmbiguous),
      ...(canAsk() ? { confirm: ask } : {}),
    });
    if (dryRun) printDryRun(out, result, describeAmbiguous);
    else printResult(out, result, describeAmbiguous);
  },
};

/** Whether a person can answer: stdin is a terminal and no CI variable is set. */
function canAsk(): boolean {
  const ci = process.env['CI'];
  return process.stdin.isTTY === true && (ci === undefined || ci === '' || ci === '0' || ci === 'false');
}

/** Asks on the terminal whether to run what needs --force; anything but y/yes is no. */
async function ask(plan: PushPlan): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const what = [
      ...(plan.ledgerHeads.length > 0 ? [`diverge from the revisions of stream "${plan.stream}" (at ${plan.ledgerHeads.join(', ')})`] : []),
      ...(plan.destructive.length > 0 ? [`run ${plan.destructive.length} destructive operation(s)`] : []),
    ];
    const answer = await prompt.question(`Push to ${plan.url} will ${what.join(' and ')}. Apply? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** How a rename push cannot tell from a drop and an add is described (`describeAmbiguous`, loaded with push itself). */
type DescribeAmbiguous = (rename: AmbiguousRename) => string;

/** Before anything runs: the SQL on stdout (human output only), what needs --force on stderr. */
function printPlan(out: Output, plan: PushPlan, describeAmbiguous: DescribeAmbiguous): void {
  out.line(`Stream "${plan.stream}": ${plan.operations.length} operation(s) to push to ${plan.url}:`);
  for (const sql of plan.statements) out.line(`${sql.trimEnd()};`);
  printWarnings(out, plan, describeAmbiguous);
}

function printWarnings(out: Output, plan: PushPlan, describeAmbiguous: DescribeAmbiguous): void {
  if (plan.ledgerHeads.length > 0) {
    out.warn(`stream "${plan.stream}" is at ${plan.ledgerHeads.join(', ')} in strata_version: pushing makes the schema differ from its revisions`);
  }
  for (const { index, reason } of plan.destructive) out.warn(`destructive: ${plan.operations[index]?.kind ?? ''}: ${reason}`);
  for (const rename of plan.ambiguous) out.warn(describeAmbiguous(rename));
  if (plan.untouched.length > 0) {
    out.warn(`left alone: ${plan.untouched.join(', ')} (neither the Drizzle schema nor the revisions of stream "${plan.stream}" hold them; push drops only what the stream owns)`);
  }
}

function printResult(out: Output, result: PushResult, describeAmbiguous: DescribeAmbiguous): void {
  out.result(result, () => {
    if (!result.applied) {
      out.line(`Stream "${result.stream}": ${result.url} matches the Drizzle schema; nothing to push.`);
      return;
    }
    out.line(`Pushed ${result.operations.length} operation(s) (${result.statements.length} statement(s)) to ${result.url}; no revision written, the ledger untouched.`);
  });
  if (!result.applied) printWarnings(out, result, describeAmbiguous);
  else if (result.ledgerHeads.length > 0) {
    out.warn(
      `the revisions of stream "${result.stream}" (at ${result.ledgerHeads.join(', ')}) no longer build this database's schema: \`strata check\` fails until a revision covers the change (\`strata revision --autogenerate\`)`,
    );
  }
}

/** `--dry-run` and `--sql`: the script is the document, the warnings go to stderr. */
function printDryRun(out: Output, result: PushResult, describeAmbiguous: DescribeAmbiguous): void {
  printWarnings(out, result, describeAmbiguous);
  out.result(result, () => {
    if (result.statements.length === 0) out.raw(`-- Stream "${result.stream}": ${result.url} matches the Drizzle schema; nothing to push.\n`);
    else out.raw(`-- Stream "${result.stream}": strata push --dry-run (nothing changed)\n${result.statements.map((sql) => `${sql.trimEnd()};`).join('\n')}\n`);
  });
}
