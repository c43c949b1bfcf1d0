/**
 * The base of every error a user can cause. The CLI prints `message` and `hint` without a stack;
 * anything that is not a `StrataError` is a bug and prints its stack.
 *
 * @example
 * ```ts
 * import { StrataError } from '@strata/engine';
 * try {
 *   // ...
 * } catch (error) {
 *   if (error instanceof StrataError) console.error(`${error.code}: ${error.message}`);
 * }
 * ```
 */
export class StrataError extends Error {
  /** Unique, UPPER_SNAKE, prefixed by area (`REVISION_`, `RUNNER_`, `DIALECT_`, `CONFIG_`, `CLI_`, `FANOUT_`...). */
  readonly code: string;
  /** The next step the user can take, or undefined when there is none to suggest. */
  readonly hint: string | undefined;
  /** JSON-safe facts for `--json` output and the Nx executors. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: string,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.details = options.details ?? {};
  }

  /** A plain object for `--json` output. */
  toJSON(): { code: string; message: string; hint?: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, ...(this.hint ? { hint: this.hint } : {}), details: this.details };
  }
}

/**
 * Whether `error` is a `StrataError` or shaped like one (a `code`, a message, `toJSON`): errors from
 * another copy of the engine, or a plugin's own user errors, are then reported the same way.
 *
 * @example
 * ```ts
 * import { isStrataErrorLike, StrataError } from '@strata/engine';
 * isStrataErrorLike(new StrataError('CONFIG_INVALID', 'bad')); // true
 * isStrataErrorLike(new TypeError('bug')); // false
 * ```
 */
export function isStrataErrorLike(error: unknown): error is Error & { readonly code: string; readonly hint?: string; toJSON(): object } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { toJSON?: unknown }).toJSON === 'function'
  );
}

/** @internal Exhaustiveness check for discriminated unions. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
