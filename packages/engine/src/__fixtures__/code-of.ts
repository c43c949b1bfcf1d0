import { StrataError } from '../errors.js';

/** The code of the StrataError `fn` throws; fails the test when it throws nothing or something else. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof StrataError) return error.code;
    throw error;
  }
  throw new Error('did not throw');
}
