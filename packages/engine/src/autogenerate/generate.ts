import type { DialectName } from '../dialects/dialect.js';
import { loadDialect } from '../dialects/registry.js';
import { replaySchema } from '../offline/offline-runner.js';
import { applyToModel } from '../ops/apply-to-model.js';
import type { Op, RenameEnumValueOp } from '../ops/op.js';
import { reverseOp } from '../ops/reverse.js';
import { newRevisionParents } from '../revision/resolve-target.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { readDrizzleSchema } from '../schema/drizzle-adapter.js';
import type { SchemaModel } from '../schema/model.js';
import { crossStreamForeignKeys, dependenciesOf, type CrossStreamForeignKey, type TableOwner } from './cross-stream.js';
import { diffSchemas, type SchemaDiff } from './diff.js';
import { AmbiguousRenameError, BlindReplayError, EnumRenameHintError } from './errors.js';
import { toSafeForms, type SafetyMode } from './safe-forms.js';

/** Rename hints, as the command line takes them (`--rename users.name=full_name`, `--rename-table old=new`). */
export interface RenameHints {
  readonly tables?: Readonly<Record<string, string>>;
  /** `'table.old'` → `'new'`, the table named as it is in the Drizzle schema. */
  readonly columns?: Readonly<Record<string, string>>;
  /**
   * `'type.old'` → `'new'`: an enum value renamed in place (`--rename-enum-value mood.sad=blue`,
   * `ALTER TYPE ... RENAME VALUE`), not dropped and added, which PostgreSQL cannot do.
   */
  readonly enumValues?: Readonly<Record<string, string>>;
}

/** What {@link planGeneratedRevision} compares. */
export interface GenerateOptions {
  readonly dialect: DialectName;
  readonly graph: RevisionGraph;
  /** The Drizzle schema modules (absolute paths). */
  readonly schemaFiles: readonly string[];
  readonly casing?: 'snake_case' | 'camelCase';
  readonly renames?: RenameHints;
  /** The parent when the stream has several heads (an id, prefix or `label@head`); `base` for a new base. */
  readonly head?: string;
  /** The stream name, for messages (and its ledger rows in a shadow database). */
  readonly stream: string;
  /** Treat tables and columns that look renamed as dropped and added (`--no-renames`). */
  readonly noRenames?: boolean;
  /**
   * A throwaway database to replay the revisions on instead of the model (`--shadow-url`): for streams
   * whose raw SQL the model cannot follow. The stream is upgraded there to the parent, then read back.
   */
  readonly shadowUrl?: string;
  /**
   * Which other stream owns each table ({@link tableOwners}): a foreign key the revision creates to
   * one of them makes the revision depend on that stream's head (`dependsOn`).
   */
  readonly owners?: ReadonlyMap<string, TableOwner>;
  /**
   * `'online'`: write the ops that would lock a live table for long in their safe forms
   * ({@link toSafeForms}: concurrent indexes, NOT VALID then VALIDATE, SET NOT NULL through a check,
   * UNIQUE USING INDEX). `'plain'` (the default): as the change reads.
   */
  readonly safety?: SafetyMode;
}

/** A revision to write: its parents and both directions' operations. */
export interface GeneratedPlan {
  readonly parents: readonly string[];
  readonly upgrade: readonly Op[];
  readonly downgrade: readonly Op[];
  readonly destructive: SchemaDiff['destructive'];
  /** What the revision names differently from the Drizzle schema, and why (a name shortened to the server's limit). */
  readonly notes: readonly string[];
  /** The schema the stream's revisions build (before) and the Drizzle schema (after). */
  readonly before: SchemaModel;
  readonly after: SchemaModel;
  /** The foreign keys the revision creates to tables other streams own (with `owners`). */
  readonly crossStream: readonly CrossStreamForeignKey[];
  /** `<stream>@<head>` for each stream those foreign keys need: the revision's `dependsOn`. */
  readonly dependsOn: readonly string[];
}

/**
 * Compares the Drizzle schema with the schema the stream's revisions build (replayed into the model,
 * no database) and returns the operations of a new revision: upgrade in an order that applies, and
 * downgrade as the inverse of each, in reverse order. Renames never prompt: without a hint, a table or
 * column that looks renamed stops the generation with the flags to pass.
 *
 * @example
 * ```ts
 * import { loadRevisions, planGeneratedRevision, RevisionGraph } from '@strata/engine';
 * const graph = new RevisionGraph(loadRevisions('apps/accounts/migrations'));
 * const plan = await planGeneratedRevision({ dialect: 'postgresql', graph, schemaFiles: ['/repo/apps/accounts/src/schema.ts'], stream: 'accounts' });
 * console.log(plan.upgrade.length === 0 ? 'no changes' : plan.upgrade.map((op) => op.kind));
 * ```
 */
export async function planGeneratedRevision(options: GenerateOptions): Promise<GeneratedPlan> {
  const { graph } = options;
  const dialect = await loadDialect(options.dialect);
  const parents = newRevisionParents(graph, options.head, options.stream);
  const notes: string[] = [];
  const after = await readDrizzleSchema({
    dialect,
    schemaFiles: options.schemaFiles,
    onNote: (note) => notes.push(note),
    ...(options.casing ? { casing: options.casing } : {}),
  });
  const before = options.shadowUrl
    ? await replayOnShadow(options, parents[0] ?? 'base', options.shadowUrl, [...(after.roles?.keys() ?? [])])
    : await replayInModel(options, parents[0] ?? 'base');
  // Enum value renames are applied to the replayed schema before comparing, so the comparison sees
  // the values already renamed; their ops lead the revision.
  const enumRenames = enumValueRenames(before, after, options.renames?.enumValues ?? {});
  const renamed = enumRenames.reduce((model, op) => applyToModel(model, op, dialect.normalizer), before);
  const diff = diffSchemas(renamed, after, {
    renames: { tables: { ...options.renames?.tables }, columns: { ...options.renames?.columns } },
    capabilities: { enums: dialect.capabilities.enums },
  });
  if (diff.ambiguous.length > 0 && !options.noRenames) throw new AmbiguousRenameError(options.stream, diff.ambiguous);
  // Each op's inverse is computed against the schema just before it, then the list is reversed.
  const inverses: Op[][] = [];
  let model = before;
  const planned = options.safety === 'online' ? toSafeForms(diff.ops, renamed, dialect.capabilities, dialect.normalizer) : diff.ops;
  const upgradeOps: readonly Op[] = [...enumRenames, ...planned];
  for (const op of upgradeOps) {
    // PostgreSQL cannot drop an enum value: the downgrade leaves a new value in place (unused once the
    // columns are back), instead of refusing to generate the revision at all.
    inverses.push(op.kind === 'addEnumValue' ? [] : reverseOp(op, model));
    model = applyToModel(model, op, dialect.normalizer);
  }
  // The enum values are renamed back first, not last: the server renames a value everywhere it is
  // stored (rows, defaults, checks, index predicates), so the inverses after them, which restore what
  // named the old value, can name it again. Last, a check recreated with the old value would fail
  // (22P02 invalid input value for enum).
  const renamedBack = inverses.slice(0, enumRenames.length).reverse().flat();
  const downgrade = [...renamedBack, ...withoutImpliedDrops(inverses.slice(enumRenames.length).reverse().flat())];
  const own = new Set([...before.tables.keys(), ...after.tables.keys()]);
  const crossStream = options.owners === undefined ? [] : crossStreamForeignKeys(upgradeOps, own, options.owners, options.stream);
  return { parents, upgrade: upgradeOps, downgrade, destructive: diff.destructive, notes, before, after, crossStream, dependsOn: dependenciesOf(crossStream) };
}

/**
 * The `renameEnumValue` ops the hints ask for, each checked against both schemas: the type has the old
 * value before and the new one in the Drizzle schema, and did not have the new one already.
 */
function enumValueRenames(before: SchemaModel, after: SchemaModel, hints: Readonly<Record<string, string>>): RenameEnumValueOp[] {
  return Object.entries(hints).map(([key, to]) => {
    // The type is the longest prefix, up to a dot, that names an enum of the Drizzle schema (`billing.status.old`), else up to the first dot.
    const dot = [...key.matchAll(/\./g)].map((match) => match.index).reverse().find((at) => after.enums.has(key.slice(0, at))) ?? key.indexOf('.');
    const name = key.slice(0, dot);
    const value = key.slice(dot + 1);
    const from = before.enums.get(name);
    const target = after.enums.get(name);
    const problem =
      dot <= 0 ? 'is not TYPE.OLD=NEW'
      : from === undefined || target === undefined ? `names enum ${name}, which is not in both the revisions' schema and the Drizzle schema`
      : !from.values.includes(value) ? `renames ${value}, which enum ${name} does not have (it has ${from.values.join(', ')})`
      : from.values.includes(to) ? `renames to ${to}, which enum ${name} already has`
      : !target.values.includes(to) ? `renames to ${to}, which the Drizzle schema's enum ${name} does not have`
      : undefined;
    if (problem !== undefined) throw new EnumRenameHintError(`${key}=${to}`, problem);
    return { kind: 'renameEnumValue', name, value, to };
  });
}

const DROPPED_WITH_TABLE = new Set<Op['kind']>([
  'dropIndex',
  'dropForeignKey',
  'dropUniqueConstraint',
  'dropCheckConstraint',
  'dropPrimaryKey',
  'dropPolicy',
  'disableRowLevelSecurity',
]);

/**
 * Leaves out drops of a table's indexes, constraints and policies (and turning its row-level
 * security off) when the same list drops the table later: they go with it, and MySQL refuses to
 * drop an index a foreign key still needs.
 */
function withoutImpliedDrops(ops: readonly Op[]): Op[] {
  return ops.filter((op, i) => !(DROPPED_WITH_TABLE.has(op.kind) && 'table' in op && ops.slice(i + 1).some((later) => later.kind === 'dropTable' && later.table === op.table)));
}

async function replayInModel(options: GenerateOptions, to: string): Promise<SchemaModel> {
  const replay = await replaySchema({ dialect: options.dialect, graph: options.graph, to, stream: options.stream });
  if (replay.blindRevisions.length > 0) throw new BlindReplayError(options.stream, replay.blindRevisions);
  return replay.model;
}

/**
 * The schema the revisions build, read back from the shadow database. Roles are the server's, not
 * the database's: the ones the Drizzle schema names (`roles`) are read by name, so that an existing
 * role is not created again (a role the revisions created and the schema dropped is not seen).
 */
async function replayOnShadow(options: GenerateOptions, to: string, url: string, roles: readonly string[]): Promise<SchemaModel> {
  const stream = { name: options.stream, dialect: options.dialect, url };
  // The runner and the connection load here only: without --shadow-url the revisions replay in the model.
  const [{ upgrade }, { withConnection }] = await Promise.all([import('../runner/runner.js'), import('../dialects/connection.js')]);
  if (to !== 'base') await upgrade({ stream, graph: options.graph, target: to });
  const dialect = await loadDialect(options.dialect);
  return withConnection(dialect, url, async (connection) => {
    const schema = await dialect.readSchema(connection);
    const existing = (await dialect.readRoles?.(connection, roles)) ?? new Map();
    return existing.size === 0 ? schema : { ...schema, roles: existing };
  });
}
