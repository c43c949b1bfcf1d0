import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isStrataErrorLike } from '../errors.js';

/** How an {@link Output} is made. */
export interface OutputOptions {
  /** Print one JSON document (the result, or the error) instead of text. */
  readonly json: boolean;
  /**
   * `--output-file`: the command's document (the JSON document, the `--sql` script, or the result's
   * text) goes to this file, absolute, instead of stdout; progress stays on stdout. Emptied when the
   * Output is made, so a failed run never leaves an earlier run's document behind.
   */
  readonly file?: string;
  readonly stdout?: NodeJS.WritableStream;
  readonly stderr?: NodeJS.WritableStream;
}

/**
 * Where commands write. Human text goes to stdout (progress, results) and stderr (errors);
 * with `--json` the only stdout line is one JSON document, for pipelines. With a `file`, the document
 * goes there instead: a tool that wraps stdout (Nx prefixes and frames task output) cannot corrupt it.
 */
export class Output {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;
  readonly #file: string | undefined;
  /** True while a result's human rendering runs: its lines are the document. */
  #inResult = false;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
    this.#file = options.file;
    if (this.#file !== undefined) {
      mkdirSync(dirname(this.#file), { recursive: true });
      writeFileSync(this.#file, '');
    }
  }

  /** A line of human output; dropped under `--json`. */
  line(text = ''): void {
    if (this.json) return;
    if (this.#inResult) this.#document(text + '\n');
    else this.#stdout.write(text + '\n');
  }

  /** Text written as it is (a script), dropped under `--json`. */
  raw(text: string): void {
    if (!this.json) this.#document(text);
  }

  /** The command's result: JSON under `--json`, otherwise the `human` rendering. */
  result(data: unknown, human: () => void): void {
    if (this.json) {
      this.#document(JSON.stringify(data, null, 2) + '\n');
      return;
    }
    this.#inResult = true;
    try {
      human();
    } finally {
      this.#inResult = false;
    }
  }

  #document(text: string): void {
    if (this.#file === undefined) this.#stdout.write(text);
    else appendFileSync(this.#file, text);
  }

  /** A progress line on stderr (also under `--json`): what a long run has done so far, beside the document. */
  progress(text: string): void {
    this.#stderr.write(`${text}\n`);
  }

  /** A warning on stderr (also under `--json`, where stdout holds only the document). */
  warn(text: string): void {
    this.#stderr.write(`warning: ${text}\n`);
  }

  /** Reports a failure: a `StrataError` (or one shaped like it) as code, message and hint; anything else with its stack (a bug). */
  error(error: unknown): void {
    if (this.json) {
      const body = isStrataErrorLike(error) ? error.toJSON() : { code: 'INTERNAL_ERROR', message: String((error as Error)?.message ?? error) };
      const partial = (error as { result?: unknown }).result;
      this.#document(JSON.stringify({ error: body, ...(partial ? { result: partial } : {}) }, null, 2) + '\n');
    }
    if (isStrataErrorLike(error)) {
      this.#stderr.write(`error ${error.code}: ${error.message}\n`);
      if (error.hint) this.#stderr.write(`hint: ${error.hint}\n`);
    } else {
      this.#stderr.write(`internal error (a bug in strata; please report it):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
  }
}
