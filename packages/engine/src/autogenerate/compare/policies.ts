import type { AlterPolicyOp, CreateRoleOp, DropPolicyOp, Op } from '../../ops/op.js';
import { statedPolicy } from '../../schema/stated.js';
import type { PolicyModel, RoleModel, SchemaModel, TableModel } from '../../schema/model.js';
import { mentionsColumn } from '../../schema/expression-identifiers.js';
import { compareText } from './columns.js';
import { sameList } from './constraints.js';

/** The policy changes of one table present in both schemas, each list sorted by name. @internal */
export interface PolicyComparison {
  readonly drop: readonly PolicyModel[];
  readonly alter: readonly AlterPolicyOp[];
  readonly create: readonly PolicyModel[];
}

/**
 * Compares the policies of a table present in both schemas.
 *
 * A policy whose roles or expressions change is altered in place (`ALTER POLICY` sets `TO`, `USING`
 * and `WITH CHECK`). It is dropped and created again when `ALTER POLICY` cannot express the change
 * (https://www.postgresql.org/docs/15/sql-alterpolicy.html): another command, permissive versus
 * restrictive, or an expression that goes away (it can set an expression, never remove one). It is
 * dropped and created again too when an expression uses a column that `rebuilt` names (dropped,
 * recreated, or changing type): PostgreSQL refuses to drop such a column, or to change its type,
 * while a policy uses it.
 * @internal
 */
export function comparePolicies(from: TableModel, to: TableModel, rebuilt: (column: string) => boolean): PolicyComparison {
  const before = from.policies ?? [];
  const after = new Map((to.policies ?? []).map((policy) => [policy.name, policy]));
  const drop: PolicyModel[] = [];
  const alter: AlterPolicyOp[] = [];
  const create: PolicyModel[] = [];
  const usesRebuilt = (policy: PolicyModel): boolean =>
    from.columns.some((c) => rebuilt(c.name) && (mentionsColumn(policy.using, c.name) || mentionsColumn(policy.withCheck, c.name)));
  for (const policy of before) {
    const target = after.get(policy.name);
    if (target === undefined) {
      drop.push(policy);
      continue;
    }
    const recreate =
      usesRebuilt(policy) ||
      policy.command !== target.command ||
      policy.permissive !== target.permissive ||
      (policy.using !== undefined && target.using === undefined) ||
      (policy.withCheck !== undefined && target.withCheck === undefined);
    if (recreate) {
      drop.push(policy);
      create.push(target);
      continue;
    }
    const roles = sameList(policy.roles, target.roles) ? undefined : target.roles;
    const using = policy.using === target.using ? undefined : statedPolicy(target).using;
    const withCheck = policy.withCheck === target.withCheck ? undefined : statedPolicy(target).withCheck;
    if (roles !== undefined || using !== undefined || withCheck !== undefined) {
      alter.push({
        kind: 'alterPolicy',
        table: to.name,
        name: policy.name,
        ...(roles !== undefined ? { roles: [...roles] } : {}),
        ...(using !== undefined ? { using } : {}),
        ...(withCheck !== undefined ? { withCheck } : {}),
      });
    }
  }
  const existing = new Set(before.map((policy) => policy.name));
  for (const policy of after.values()) if (!existing.has(policy.name)) create.push(policy);
  const byName = (a: { readonly name: string }, b: { readonly name: string }): number => compareText(a.name, b.name);
  return { drop: drop.sort(byName), alter: alter.sort(byName), create: create.sort(byName) };
}

/**
 * The op that switches a table's row-level security from `from` (undefined for a new table) to the
 * state of `to`, or undefined when nothing changes. `force` is stated only when it changes.
 * @internal
 */
export function rowLevelSecurityOp(from: TableModel | undefined, to: TableModel): Op | undefined {
  const before = from?.rowLevelSecurity ?? { enabled: false, forced: false };
  const after = to.rowLevelSecurity ?? { enabled: false, forced: false };
  if (before.enabled === after.enabled && before.forced === after.forced) return undefined;
  return {
    kind: after.enabled ? 'enableRowLevelSecurity' : 'disableRowLevelSecurity',
    table: to.name,
    ...(before.forced !== after.forced ? { force: after.forced } : {}),
  };
}

/** @internal */
export function dropPolicyOp(table: string, policy: PolicyModel): DropPolicyOp {
  return { kind: 'dropPolicy', table, name: policy.name };
}

/** The roles to create, recreate (options changed) and drop, each sorted by name. @internal */
export interface RoleComparison {
  readonly create: readonly CreateRoleOp[];
  readonly recreate: readonly CreateRoleOp[];
  readonly drop: readonly RoleModel[];
}

/**
 * Compares the roles of two schemas. Only roles a schema names take part: the previous schema's are
 * those its revisions created, the target's those the Drizzle schema creates (`pgRole` without
 * `.existing()`), so a role of the server that neither names is never touched. A role a policy of
 * the target still names is kept, created or not by the schema (a `pgRole` that became
 * `.existing()`): DROP ROLE would fail, and the policy needs it. A role whose options change is
 * dropped and created again (the op vocabulary has no ALTER ROLE); PostgreSQL refuses that drop
 * while a policy names the role.
 * @internal
 */
export function compareRoles(from: SchemaModel, to: SchemaModel): RoleComparison {
  const before = from.roles ?? new Map<string, RoleModel>();
  const after = to.roles ?? new Map<string, RoleModel>();
  const createOp = (role: RoleModel): CreateRoleOp => ({ kind: 'createRole', name: role.name, createDb: role.createDb, createRole: role.createRole, inherit: role.inherit });
  const same = (a: RoleModel, b: RoleModel): boolean => a.createDb === b.createDb && a.createRole === b.createRole && a.inherit === b.inherit;
  const named = new Set([...to.tables.values()].flatMap((table) => (table.policies ?? []).flatMap((policy) => policy.roles)));
  const sorted = <T extends { readonly name: string }>(items: T[]): T[] => items.sort((a, b) => compareText(a.name, b.name));
  return {
    create: sorted([...after.values()].filter((role) => !before.has(role.name)).map(createOp)),
    recreate: sorted([...after.values()].filter((role) => before.has(role.name) && !same(before.get(role.name) as RoleModel, role)).map(createOp)),
    drop: sorted([...before.values()].filter((role) => !after.has(role.name) && !named.has(role.name))),
  };
}
