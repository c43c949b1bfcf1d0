import { StrataError } from '../../errors.js';

/** `strata revision` without --head on a stream with several heads. */
export class MultipleHeadsForRevisionError extends StrataError {
  static readonly CODE = 'CLI_MULTIPLE_HEADS';
  constructor(stream: string, heads: readonly string[]) {
    super(MultipleHeadsForRevisionError.CODE, `Stream "${stream}" has several heads (${heads.join(', ')}); a new revision needs one parent.`, {
      hint: `Pass --head <rev> to build on one of them, or join them first with \`strata merge -m "merge heads"\`.`,
      details: { stream, heads },
    });
  }
}
