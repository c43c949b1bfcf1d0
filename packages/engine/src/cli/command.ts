import type { ParseArgsConfig } from 'node:util';
import type { Output } from '../report/output.js';

/** Option definitions as `node:util` `parseArgs` takes them, each with a line of help. */
export type OptionSpecs = Record<string, NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string }>;

/** What a command receives once its arguments are parsed. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly positionals: readonly string[];
  readonly cwd: string;
  readonly out: Output;
}

/** One verb of the `strata` command. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The arguments after the verb, e.g. `[TARGET]`. */
  readonly usage: string;
  /** A paragraph for `strata <verb> --help`. */
  readonly description: string;
  readonly options: OptionSpecs;
  /** Whether the stream options (--config, --url, --dir...) apply. */
  readonly streamOptions: boolean;
  /** Whether the command accepts positional arguments, and how many at most (Infinity: any). */
  readonly maxPositionals: number;
  /**
   * Runs the verb. Returns an exit code only when the command printed its result and still failed (a
   * fan-out some of whose tenants failed: its report is the document); a thrown error exits 1.
   */
  run(input: CommandInput): Promise<number | void>;
}
