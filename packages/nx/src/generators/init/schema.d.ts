/** Options of `@strata/nx:init` (see schema.json). */
export interface InitGeneratorSchema {
  /** Skip formatting the files changed. */
  skipFormat?: boolean;
  /** Leave package.json alone. */
  skipPackageJson?: boolean;
  /** Keep the versions of packages already installed (default true). */
  keepExistingVersions?: boolean;
  /** Register `@strata/nx/plugin` in nx.json (inferred targets). The public `initGenerator` defaults it to false. */
  addPlugin?: boolean;
}
