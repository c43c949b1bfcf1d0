import type { DialectName } from '../dialects/dialect.js';
import { replaySchema } from '../offline/offline-runner.js';
import type { Op } from '../ops/op.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import type { SchemaModel } from '../schema/model.js';

/**
 * The stream whose revisions create a table, and the head of that stream that has it: what a
 * revision of another stream names in `dependsOn` (`accounts@a1c0c0a50001`) when a foreign key of
 * it references the table.
 *
 * @example
 * ```ts
 * import type { TableOwner } from '@strata/engine';
 * const users: TableOwner = { stream: 'accounts', head: 'a1c0c0a50001' };
 * ```
 */
export interface TableOwner {
  readonly stream: string;
  readonly head: string;
}

/** A stream as {@link tableOwners} reads it: its name, dialect and revisions. */
export interface OwnerStream {
  readonly name: string;
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
}

/**
 * A foreign key of one stream that references a table another stream owns.
 *
 * @example
 * ```ts
 * import type { CrossStreamForeignKey } from '@strata/engine';
 * const fk: CrossStreamForeignKey = { table: 'invoices', foreignKey: 'invoices_user_id_users_id_fk', referencedTable: 'users', owner: { stream: 'accounts', head: 'a1c0c0a50001' } };
 * ```
 */
export interface CrossStreamForeignKey {
  readonly table: string;
  readonly foreignKey: string;
  readonly referencedTable: string;
  readonly owner: TableOwner;
}

/**
 * Which stream owns each table: every table the revisions of each stream build (replayed into the
 * model from base to each of its heads, no database), with that head. The streams of a workspace
 * that share a database, or whose tables another stream's Drizzle schema imports for a reference.
 * A table two streams build is left to the first one listed.
 *
 * @example
 * ```ts
 * import { loadRevisions, RevisionGraph, tableOwners } from '@strata/engine';
 * const owners = await tableOwners([{ name: 'accounts', dialect: 'sqlite', graph: new RevisionGraph(loadRevisions('apps/accounts/migrations')) }]);
 * owners.get('users'); // { stream: 'accounts', head: 'a1c0c0a50001' }
 * ```
 */
export async function tableOwners(streams: readonly OwnerStream[]): Promise<Map<string, TableOwner>> {
  const owners = new Map<string, TableOwner>();
  for (const stream of streams) {
    for (const head of stream.graph.heads()) {
      const { model } = await replaySchema({ dialect: stream.dialect, graph: stream.graph, to: head, stream: stream.name });
      for (const table of model.tables.keys()) if (!owners.has(table)) owners.set(table, { stream: stream.name, head });
    }
  }
  return owners;
}

/**
 * The foreign keys `ops` create (in `createTable` or `createForeignKey`) whose referenced table is
 * not one of `own` (the stream's tables) and that another stream owns.
 * @internal
 */
export function crossStreamForeignKeys(ops: readonly Op[], own: ReadonlySet<string>, owners: ReadonlyMap<string, TableOwner>, stream: string): CrossStreamForeignKey[] {
  const created = ops.flatMap((op) =>
    op.kind === 'createTable' ? (op.foreignKeys ?? []).map((fk) => ({ table: op.table, fk })) : op.kind === 'createForeignKey' ? [{ table: op.table, fk: op.foreignKey }] : [],
  );
  return created.flatMap(({ table, fk }) => {
    const owner = own.has(fk.referencedTable) ? undefined : owners.get(fk.referencedTable);
    return owner === undefined || owner.stream === stream ? [] : [{ table, foreignKey: fk.name, referencedTable: fk.referencedTable, owner }];
  });
}

/** The `dependsOn` entries that cover `foreignKeys`: `<stream>@<head>`, one per owning stream. @internal */
export function dependenciesOf(foreignKeys: readonly CrossStreamForeignKey[]): string[] {
  return [...new Set(foreignKeys.map((fk) => `${fk.owner.stream}@${fk.owner.head}`))];
}

/**
 * A revision that adds a foreign key to another stream's table without depending on that stream
 * (neither it nor a revision below it names the stream in `dependsOn`).
 *
 * @example
 * ```ts
 * import type { MissingCrossStreamDependency } from '@strata/engine';
 * declare const missing: MissingCrossStreamDependency;
 * console.log(`${missing.revision}: add dependsOn ['${missing.owner.stream}@${missing.owner.head}']`);
 * ```
 */
export interface MissingCrossStreamDependency extends CrossStreamForeignKey {
  readonly revision: string;
  readonly file?: string;
}

/**
 * Replays the stream revision by revision and returns each foreign key to another stream's table
 * whose revision (the first whose schema has it) neither depends on the owning stream nor sits above
 * a revision that does. The runner would then order the streams by chance: on a new database
 * `run-many` may migrate this stream first and the foreign key fails.
 * @internal
 */
export async function missingCrossStreamDependencies(options: {
  readonly stream: string;
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  readonly to: string;
  readonly owners: ReadonlyMap<string, TableOwner>;
}): Promise<MissingCrossStreamDependency[]> {
  const { graph } = options;
  const missing: MissingCrossStreamDependency[] = [];
  const seen = new Set<string>();
  const check = (revision: string, model: SchemaModel): void => {
    for (const table of model.tables.values()) {
      for (const fk of table.foreignKeys) {
        const key = `${table.name}\u0000${fk.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const owner = model.tables.has(fk.referencedTable) ? undefined : options.owners.get(fk.referencedTable);
        if (owner === undefined || owner.stream === options.stream) continue;
        const needs = graph.ancestors([revision], { inclusive: true }).some((id) => graph.get(id).dependsOn.some((d) => d.startsWith(`${owner.stream}@`)));
        if (needs) continue;
        const file = graph.get(revision).file;
        missing.push({ revision, ...(file !== undefined ? { file } : {}), table: table.name, foreignKey: fk.name, referencedTable: fk.referencedTable, owner });
      }
    }
  };
  await replaySchema({ dialect: options.dialect, graph, to: options.to, stream: options.stream, onRevision: check });
  return missing;
}
