/** Versions the init generator adds when a package is missing (the ones this release is tested with). */
export const STRATA_ENGINE_VERSION = '0.1.0';
export const DRIZZLE_KIT_VERSION = '^0.31.11';
export const DRIZZLE_ORM_VERSION = '^0.45.4';

/** The import path of the plugin, as nx.json registers it. */
export const PLUGIN_NAME = '@strata/nx/plugin';
/** The executor prefix (`@strata/nx:migrate`). */
export const PACKAGE_NAME = '@strata/nx';
