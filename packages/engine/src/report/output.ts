import { isStrataErrorLike } from '../errors.js';

/**
 * Where commands write. Human text goes to stdout (progress, results) and stderr (errors);
 * with `--json` the only stdout line is one JSON document, for pipelines.
 */
export class Output {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(options: { json: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream }) {
    this.json = options.json;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
  }

  /** A line of human output; dropped under `--json`. */
  line(text = ''): void {
    if (!this.json) this.#stdout.write(text + '\n');
  }

  /** Text written as it is (a script), dropped under `--json`. */
  raw(text: string): void {
    if (!this.json) this.#stdout.write(text);
  }

  /** The command's result: JSON under `--json`, otherwise the `human` rendering. */
  result(data: unknown, human: () => void): void {
    if (this.json) this.#stdout.write(JSON.stringify(data, null, 2) + '\n');
    else human();
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
      this.#stdout.write(JSON.stringify({ error: body, ...(partial ? { result: partial } : {}) }, null, 2) + '\n');
    }
    if (isStrataErrorLike(error)) {
      this.#stderr.write(`error ${error.code}: ${error.message}\n`);
      if (error.hint) this.#stderr.write(`hint: ${error.hint}\n`);
    } else {
      this.#stderr.write(`internal error (a bug in strata; please report it):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
  }
}
