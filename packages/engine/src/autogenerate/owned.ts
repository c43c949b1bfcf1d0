import type { Connection } from '../dialects/connection.js';
import type { Dialect } from '../dialects/dialect.js';
import type { SchemaModel } from '../schema/model.js';

/**
 * The names of the objects one stream owns in a database that several streams may share: those its
 * Drizzle schema or its revisions hold. `strata check --db` compares, and `strata push` changes, only these.
 * @internal
 */
export interface OwnedNames {
  readonly tables: Set<string>;
  readonly enums: Set<string>;
  readonly roles: Set<string>;
  readonly sequences: Set<string>;
  readonly views: Set<string>;
  readonly schemas: Set<string>;
}

/** The names of the objects `models` hold, together. @internal */
export function ownedNames(...models: readonly SchemaModel[]): OwnedNames {
  const owned: OwnedNames = { tables: new Set(), enums: new Set(), roles: new Set(), sequences: new Set(), views: new Set(), schemas: new Set() };
  for (const model of models) addOwned(owned, model);
  return owned;
}

/** Adds the names of the objects `model` holds to `owned`. @internal */
export function addOwned(owned: OwnedNames, model: SchemaModel): void {
  for (const name of model.tables.keys()) owned.tables.add(name);
  for (const name of model.enums.keys()) owned.enums.add(name);
  for (const name of model.roles?.keys() ?? []) owned.roles.add(name);
  for (const name of model.sequences?.keys() ?? []) owned.sequences.add(name);
  for (const name of model.views?.keys() ?? []) owned.views.add(name);
  for (const name of model.schemas ?? []) owned.schemas.add(name);
}

/**
 * Reads the live schema the stream owns: its tables, enums, sequences, views and PostgreSQL schemas
 * from the database, and, since roles are cluster-wide, only the roles it names, read by name.
 * @internal
 */
export async function readOwnedSchema(dialect: Dialect, connection: Connection, owned: OwnedNames): Promise<SchemaModel> {
  const schema = ownedPart(await dialect.readSchema(connection), owned);
  const roles = (await dialect.readRoles?.(connection, [...owned.roles])) ?? new Map();
  return roles.size === 0 ? schema : { ...schema, roles };
}

/**
 * The tables, enums, sequences, views and PostgreSQL schemas of `model` that the stream owns; the rest belongs to other
 * streams of the database. Roles are not in a read schema at all (they are the server's): the caller
 * reads the owned ones by name.
 * @internal
 */
export function ownedPart(model: SchemaModel, owned: OwnedNames): SchemaModel {
  const sequences = new Map([...(model.sequences ?? [])].filter(([name]) => owned.sequences.has(name)));
  const views = new Map([...(model.views ?? [])].filter(([name]) => owned.views.has(name)));
  const schemas = (model.schemas ?? []).filter((name) => owned.schemas.has(name));
  return {
    tables: new Map([...model.tables].filter(([name]) => owned.tables.has(name))),
    enums: new Map([...model.enums].filter(([name]) => owned.enums.has(name))),
    ...(sequences.size > 0 ? { sequences } : {}),
    ...(views.size > 0 ? { views } : {}),
    ...(schemas.length > 0 ? { schemas } : {}),
  };
}
