import type { DrizzleSnapshotRules } from '../drizzle-snapshot.js';

/**
 * MySQL's drizzle-kit snapshot: tables of a `mysqlSchema` are left out of it; a unique index on plain
 * columns is a unique constraint; `serial` is `BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE`
 * (https://dev.mysql.com/doc/refman/8.0/en/numeric-type-syntax.html), its UNIQUE key named after the column.
 */
export const MYSQL_DRIZZLE_SNAPSHOT: DrizzleSnapshotRules = {
  generate: (api, imports, casing) => api.generateMySQLDrizzleJson(imports, undefined, casing),
  dropsOtherSchemaTables: true,
  schemas: false,
  enumTypes: false,
  roles: false,
  sequencesAndViews: false,
  stripsQualifiers: true,
  quote: '`',
  namedPrimaryKeys: false,
  indexMethods: false,
  uniqueIndexIsConstraint: true,
  serial: 'auto-increment-unique',
  storedGeneratedOnly: false,
};
