/** Options of `@strata/nx:migration` (see schema.json). */
export interface MigrationGeneratorSchema {
  /** The project whose stream gets the revision. */
  project: string;
  /** What the revision does; it also names the file. */
  message: string;
  /** Write an empty revision (a data migration) instead of autogenerating from the Drizzle schema. */
  empty?: boolean;
  /** Columns renamed, not dropped and added: `table.old=new` (repeatable). */
  rename?: string[] | string;
  /** Tables renamed: `old=new` (repeatable). */
  renameTable?: string[] | string;
  /** Enum values renamed in place, not dropped and added: `type.old=new` (repeatable; PostgreSQL). */
  renameEnumValue?: string[] | string;
  /** What looks renamed is really dropped and added. */
  noRenames?: boolean;
  /** Write ops that would lock a live table in their safe forms (default: strata.config's `safety`). */
  safeForms?: boolean;
  /** The parent: a head id or prefix, `label@head`, or `base` for a new base. */
  head?: string;
  /** Revisions that must be applied first: ids of this stream or `stream@id` (repeatable). */
  dependsOn?: string[] | string;
  /** Branch labels for the branch this revision starts (repeatable). */
  branchLabel?: string[] | string;
  /** Use this id instead of a random one. */
  revId?: string;
  /** Replay the revisions on this throwaway database instead of the model (raw SQL the model cannot follow). */
  shadowUrl?: string;
  /** Skip formatting the file written. */
  skipFormat?: boolean;
}
