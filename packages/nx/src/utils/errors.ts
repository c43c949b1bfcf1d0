// The plugin's own user errors and the check for engine errors, usable before the engine is loaded.

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
