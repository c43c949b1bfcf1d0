import type { RunEvent } from '@strata/engine';

/** Where the executors write: progress and results on stdout, warnings and errors on stderr, like `strata`. */
export class ExecutorOutput {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(options: { json?: boolean; stdout?: NodeJS.WritableStream; stderr?: NodeJS.WritableStream } = {}) {
    this.json = options.json === true;
    this.#stdout = options.stdout ?? process.stdout;
    this.#stderr = options.stderr ?? process.stderr;
  }

  /** A line of human output; dropped under `--json`. */
  line(text = ''): void {
    if (!this.json) this.#stdout.write(text + '\n');
  }

  /** Text written as it is (an SQL script); dropped under `--json`. */
  raw(text: string): void {
    if (!this.json) this.#stdout.write(text);
  }

  /** The result: one JSON document under `--json`, else the human rendering. */
  result(data: unknown, human: () => void): void {
    if (this.json) this.#stdout.write(JSON.stringify(data, null, 2) + '\n');
    else human();
  }

  warn(text: string): void {
    this.#stderr.write(`warning: ${text}\n`);
  }

  /** A `StrataError` (anything with a string `code`) as code, message and hint, without a stack; anything else is a bug and keeps its stack. */
  error(error: unknown): void {
    const strata = isStrataError(error) ? error : undefined;
    if (this.json) {
      const body = strata ? strata.toJSON() : { code: 'INTERNAL_ERROR', message: String((error as Error)?.message ?? error) };
      const partial = (error as { result?: unknown } | undefined)?.result;
      this.#stdout.write(JSON.stringify({ error: body, ...(partial ? { result: partial } : {}) }, null, 2) + '\n');
    }
    if (strata) {
      this.#stderr.write(`error ${strata.code}: ${strata.message}\n`);
      if (strata.hint) this.#stderr.write(`hint: ${strata.hint}\n`);
    } else {
      this.#stderr.write(`internal error (a bug in strata; please report it):\n${(error as Error)?.stack ?? String(error)}\n`);
    }
  }

  /** The runner's progress, as `strata upgrade` prints it. */
  progress(event: RunEvent): void {
    if (event.type === 'plan' && event.revisions.length > 0) {
      this.line(`Stream "${event.stream}": ${event.direction === 'up' ? 'applying' : 'reverting'} ${event.revisions.length} revision(s).`);
    } else if (event.type === 'guard-difference') {
      const d = event.difference;
      this.warn(
        `revision ${event.revision}: ${d.object} ${d.table ? `${d.table}.` : ''}${d.name} exists but differs: expected ${d.expected}; found ${d.actual} (the operation was skipped; --strict makes this an error)`,
      );
    } else if (event.type === 'revision-done') {
      const arrow = event.direction === 'up' ? '↑' : '↓';
      this.line(`  ${arrow} [${event.index + 1}/${event.total}] ${event.revision}  ${event.message || '(no message)'}  (${formatDuration(event.durationMs)})`);
    }
  }
}

interface StrataErrorLike {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  toJSON(): unknown;
}

/**
 * A `StrataError`, recognised by shape rather than `instanceof`, so that an error from another copy of
 * the engine (a revision file's own import) is still rendered as one.
 */
export function isStrataError(error: unknown): error is StrataErrorLike {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^[A-Z][A-Z0-9_]+$/.test((error as unknown as { code: string }).code) &&
    'hint' in error &&
    typeof (error as { toJSON?: unknown }).toJSON === 'function'
  );
}

/** Milliseconds for humans. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A message error that is the user's to fix (a missing option), printed like a `StrataError`. */
export class UsageError extends Error {
  readonly code = 'NX_USAGE';
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
  toJSON(): { code: string; message: string; hint?: string } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}) };
  }
}
