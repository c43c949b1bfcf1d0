import { StrataError } from '../errors.js';

/** A user module (revision file, `drizzle.config.ts`, `strata.config.ts`) failed to compile or to evaluate. */
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
