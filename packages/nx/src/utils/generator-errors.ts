import { isStrataError } from './errors';

/**
 * A `StrataError` as the Error a generator throws: code, message and hint in the message, no engine
 * stack (Nx prints the message; the stack is not the user's business). Anything else is rethrown as is.
 */
export function asGeneratorError(error: unknown): unknown {
  if (!isStrataError(error)) return error;
  const wrapped = new Error(`${error.code}: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
  wrapped.stack = wrapped.message;
  return wrapped;
}
