import type { DrizzleSnapshotRules } from '../drizzle-snapshot.js';

/**
 * SQLite's drizzle-kit snapshot: the server keeps expressions as written (qualifiers included), and
 * drizzle-kit's CREATE TABLE drops foreign-key names, so a foreign key is named as the SQLite reader names it.
 */
export const SQLITE_DRIZZLE_SNAPSHOT: DrizzleSnapshotRules = {
  generate: (api, imports, casing) => api.generateSQLiteDrizzleJson(imports, undefined, casing),
  dropsOtherSchemaTables: false,
  schemas: false,
  enumTypes: false,
  roles: false,
  sequencesAndViews: false,
  stripsQualifiers: false,
  quote: '"',
  namedPrimaryKeys: false,
  indexMethods: false,
  uniqueIndexIsConstraint: false,
  serial: 'none',
  storedGeneratedOnly: false,
  foreignKeyName: (table, key) => `${table}_${key.columnsFrom.join('_')}_${key.tableTo}_${key.columnsTo.join('_')}_fk`,
};
