import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TOOL_VERSION } from '../version.js';
import type { Command, OptionSpecs } from './command.js';
import { UsageError } from './errors.js';
import { Output } from '../report/output.js';

/** The flags every command takes (`--json`, `--output-file`). */
export const COMMON_OPTIONS: OptionSpecs = {
  json: { type: 'boolean', description: 'Print one JSON document on stdout instead of text (errors too).' },
  'output-file': {
    type: 'string',
    valueName: 'FILE',
    description: 'Write the JSON document (--json) or the script (--sql) to FILE instead of stdout, for tools that wrap stdout.',
  },
  help: { type: 'boolean', short: 'h', description: 'Show this help.' },
};

/**
 * Runs the `strata` command line with `argv` (without `node` and the script) and returns the
 * exit code: 0 on success, 1 on any failure, 2 on a usage error.
 *
 * @example
 * ```ts
 * import { main } from '@strata/engine/cli';
 * process.exitCode = await main(['upgrade', 'head']);
 * ```
 */
export async function main(argv: readonly string[], options: { cwd?: string; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {}): Promise<number> {
  const json = argv.includes('--json');
  // Read before parsing, so that a usage error is written where the document would have been.
  const outputFile = outputFileOf(argv);
  const out = new Output({
    json,
    ...(outputFile ? { file: resolve(options.cwd ?? process.cwd(), outputFile) } : {}),
    ...(options.stdout ? { stdout: options.stdout } : {}),
    ...(options.stderr ? { stderr: options.stderr } : {}),
  });
  const [verb, ...rest] = argv;
  if (verb === '--version' || verb === '-V') {
    out.line(TOOL_VERSION);
    return 0;
  }
  // The verbs, and through them the config loader, the runner and the reports, load past this point
  // only: `--version` needs none of them.
  const [{ COMMANDS }, { STREAM_OPTIONS }] = await Promise.all([import('./commands/index.js'), import('./stream-options.js')]);
  if (verb === undefined || verb === '--help' || verb === '-h' || verb === 'help') {
    out.line(globalHelp(COMMANDS));
    return verb === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === verb);
  try {
    if (!command) throw new UsageError(`Unknown command "${verb}".`, `The commands are: ${COMMANDS.map((c) => c.name).join(', ')}. Run \`strata --help\`.`);
    const specs = optionsOf(command, STREAM_OPTIONS);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: relativeTargetsLast(rest), options: specs, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '.')}`, `Run \`strata ${command.name} --help\` for its options.`);
    }
    if (parsed.values.help) {
      out.line(commandHelp(command, specs));
      return 0;
    }
    if (parsed.positionals.length > command.maxPositionals) {
      throw new UsageError(`Too many arguments for "strata ${command.name}": ${parsed.positionals.join(' ')}.`, `Usage: strata ${command.name} ${command.usage}`);
    }
    const code = await command.run({
      values: parsed.values as Record<string, string | boolean | string[] | undefined>,
      positionals: parsed.positionals,
      cwd: (parsed.values.cwd as string | undefined) ?? options.cwd ?? process.cwd(),
      out,
    });
    return code ?? 0;
  } catch (error) {
    out.error(error);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** `--output-file FILE` or `--output-file=FILE`; relative to the folder the command runs in. */
function outputFileOf(argv: readonly string[]): string | undefined {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  for (const [i, arg] of args.entries()) {
    if (arg.startsWith('--output-file=')) return arg.slice('--output-file='.length) || undefined;
    if (arg === '--output-file') return args[i + 1];
  }
  return undefined;
}

/**
 * `strata downgrade -1` must read `-1` as a target, not an option: relative targets move behind
 * `--`, where parseArgs takes everything as positional (their order among positionals is kept).
 */
function relativeTargetsLast(args: readonly string[]): string[] {
  const relative = (arg: string) => /^-\d+$/.test(arg);
  const end = args.indexOf('--');
  const head = end === -1 ? args : args.slice(0, end);
  const tail = end === -1 ? [] : args.slice(end + 1);
  const moved = head.filter(relative);
  return moved.length === 0 && end === -1 ? [...args] : [...head.filter((a) => !relative(a)), '--', ...moved, ...tail];
}

/** A command's flags: the stream's (`streamOptions`), its own, then the common ones. */
function optionsOf(command: Command, streamOptions: OptionSpecs): OptionSpecs {
  return { ...(command.streamOptions ? streamOptions : {}), ...command.options, ...COMMON_OPTIONS };
}

function globalHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `strata ${TOOL_VERSION}: Alembic's migration model for Drizzle ORM (PostgreSQL, MySQL/MariaDB, SQLite)`,
    '',
    'Usage: strata <command> [arguments] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `strata <command> --help` for a command\'s arguments and options.',
    'Every command accepts --json (one JSON document on stdout; --output-file FILE writes it, or the --sql script, to FILE) and exits non-zero on failure.',
  ].join('\n');
}

function commandHelp(command: Command, specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : ''}`;
    return [flag, spec.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: strata ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.description,
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
  ].join('\n');
}
