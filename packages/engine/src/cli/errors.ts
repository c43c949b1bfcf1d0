import { StrataError } from '../errors.js';

/** The command line itself is wrong: unknown verb or option, a missing argument. */
export class UsageError extends StrataError {
  static readonly CODE = 'CLI_USAGE';
  constructor(message: string, hint = 'Run `strata --help` or `strata <command> --help` for the usage.') {
    super(UsageError.CODE, message, { hint });
  }
}
