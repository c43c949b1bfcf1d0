/** Options of `@strata/nx:stream` (see schema.json). */
export interface StreamGeneratorSchema {
  /** The project to give a stream. */
  project: string;
  /** The initial revision's message. */
  message?: string;
  /** Also stamp an existing database at the initial revision (it already has the schema). */
  baseline?: boolean;
  /** With --baseline: stamp even when the database differs from the Drizzle schema. */
  force?: boolean;
  /** The database to stamp with --baseline (default: the stream's configured URL). */
  url?: string;
  /** For a project without drizzle.config: the dialect to write into a new strata.config.json. */
  dialect?: 'postgresql' | 'mysql' | 'sqlite';
  /** Use this id for the initial revision instead of a random one. */
  revId?: string;
  /** Skip formatting the files written. */
  skipFormat?: boolean;
}
