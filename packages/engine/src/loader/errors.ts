import { StrataError } from '../errors.js';

/** A user module (revision file, `drizzle.config.ts`, `strata.config.ts`) could not be compiled or cannot be imported as written. */
export class ModuleLoadError extends StrataError {
  static readonly CODE = 'LOADER_MODULE_FAILED';
  constructor(file: string, problem: string, cause: unknown) {
    super(ModuleLoadError.CODE, `Could not load ${file}: ${problem}`, {
      hint: `Fix ${file} (it must be valid TypeScript or JavaScript), then run the command again.`,
      details: { file },
      cause,
    });
  }
}

/**
 * A user module compiled but threw while it ran: most often a config reading an environment variable
 * that is not set in this shell (`if (!process.env.DATABASE_URL) throw …`). Its source is fine; what
 * it needs at run time is missing.
 *
 * @example
 * ```ts
 * import { ModuleThrewError } from '@strata/engine';
 * throw new ModuleThrewError('/repo/apps/billing/drizzle.config.ts', 'DATABASE_URL is not set', undefined);
 * ```
 */
export class ModuleThrewError extends StrataError {
  static readonly CODE = 'LOADER_MODULE_THREW';
  constructor(file: string, problem: string, cause: unknown) {
    super(ModuleThrewError.CODE, `${file} threw while it was loaded: ${problem}`, {
      hint: `Give ${file} what it reads when it runs (an environment variable it requires is the usual cause), or fix the code that threw, then run the command again.`,
      details: { file },
      cause,
    });
  }
}

/** The stream's revisions folder does not exist or cannot be read. */
export class RevisionsFolderMissingError extends StrataError {
  static readonly CODE = 'LOADER_FOLDER_MISSING';
  constructor(folder: string, cause: unknown) {
    super(RevisionsFolderMissingError.CODE, `The revisions folder ${folder} does not exist or cannot be read.`, {
      hint: 'Run `strata init` to create the stream, or pass the right folder with --dir.',
      details: { folder },
      cause,
    });
  }
}
