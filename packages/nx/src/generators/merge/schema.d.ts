/** Options of `@strata/nx:merge` (see schema.json). */
export interface MergeGeneratorSchema {
  /** The project whose stream has several heads. */
  project: string;
  /** What the merge is for; it also names the file (default: `merge <ids>`). */
  message?: string;
  /** The heads to merge: ids, prefixes or `label@head` (default: every head). */
  revisions?: string[] | string;
  /** Use this id instead of a random one. */
  revId?: string;
  /** Skip formatting the file written. */
  skipFormat?: boolean;
}
