import type { DrizzleSnapshotRules } from '../drizzle-snapshot.js';

/** PostgreSQL's drizzle-kit snapshot: schemas, enum types, roles, sequences and views, stored generated columns only. */
export const POSTGRES_DRIZZLE_SNAPSHOT: DrizzleSnapshotRules = {
  generate: async (api, imports, casing) => api.generateDrizzleJson(imports, undefined, undefined, casing),
  dropsOtherSchemaTables: false,
  schemas: true,
  enumTypes: true,
  roles: true,
  sequencesAndViews: true,
  stripsQualifiers: true,
  quote: '"',
  namedPrimaryKeys: true,
  indexMethods: true,
  uniqueIndexIsConstraint: false,
  serial: 'auto-increment',
  storedGeneratedOnly: true,
};
