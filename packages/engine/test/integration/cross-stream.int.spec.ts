import { existsSync, rmSync } from 'node:fs';
import { expect, it } from 'vitest';
import { sqlitePathFromUrl } from '../../src/dialects/url.js';
import type { Dialect } from '../../src/dialects/dialect.js';
import { revision, type Revision } from '../../src/revision/revision.js';
import { RevisionGraph } from '../../src/revision/revision-graph.js';
import type { Workspace, WorkspaceStream } from '../../src/runner/dependencies.js';
import { DependencyNotAppliedError, DependentsAppliedError, UnknownStreamError } from '../../src/runner/errors.js';
import type { RunEvent } from '../../src/runner/events.js';
import { appliedHistory, current, downgrade, upgrade, type StreamTarget } from '../../src/runner/runner.js';
import { ALL_TARGETS, describeDialects } from '../support/databases.js';

// accounts: A1 <- A2
// billing:  B1 (needs accounts@A1) <- B2 (needs accounts@A2) <- B3
// reports:  R1 (needs billing@B3)
const A1 = 'acc000000001';
const A2 = 'acc000000002';
const B1 = 'bil000000001';
const B2 = 'bil000000002';
const B3 = 'bil000000003';
const R1 = 'rep000000001';

/** A revision creating (guarded) one table named after its id, dropping it on downgrade. */
function tableRevision(id: string, parents: readonly string[], dependsOn: readonly string[] = []): Revision {
  const table = `t_${id}`;
  return revision({
    id,
    parents,
    dependsOn,
    message: `create ${table}`,
    async upgrade({ op, inspect }) {
      if (!(await inspect.hasTable(table))) await op.createTable(table, { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    },
    async downgrade({ op, inspect }) {
      if (await inspect.hasTable(table)) await op.dropTable(table);
    },
  });
}

const GRAPHS: Readonly<Record<string, RevisionGraph>> = {
  accounts: new RevisionGraph([tableRevision(A1, []), tableRevision(A2, [A1])]),
  billing: new RevisionGraph([tableRevision(B1, [], [`accounts@${A1}`]), tableRevision(B2, [B1], [`accounts@${A2}`]), tableRevision(B3, [B2])]),
  reports: new RevisionGraph([tableRevision(R1, [], [`billing@${B3}`])]),
};

type Layout = 'one database' | 'separate databases';

interface Streams {
  readonly workspace: Workspace;
  readonly target: (name: string) => StreamTarget;
  readonly entry: (name: string) => WorkspaceStream;
}

async function tablesOf(dialect: Dialect, url: string): Promise<string[]> {
  const connection = await dialect.connect(url);
  try {
    return [...(await dialect.readSchema(connection)).tables.keys()].sort();
  } finally {
    await connection.close();
  }
}

await describeDialects('cross-stream dependencies', (ctx) => {
  for (const layout of ['one database', 'separate databases'] as Layout[]) {
    /** accounts, billing and reports on fresh databases: one shared, or one each. */
    async function streams(label: string): Promise<Streams> {
      const shared = layout === 'one database' ? await ctx.createDatabase(label) : undefined;
      const entries = new Map<string, WorkspaceStream>();
      for (const name of Object.keys(GRAPHS)) {
        const url = shared?.url ?? (await ctx.createDatabase(`${label}_${name}`)).url;
        entries.set(name, { stream: { name, dialect: ctx.name, url, lockTimeoutMs: 10_000 }, graph: GRAPHS[name] as RevisionGraph });
      }
      const entry = (name: string): WorkspaceStream => entries.get(name) as WorkspaceStream;
      return { workspace: entries, entry, target: (name) => entry(name).stream };
    }

    async function up(s: Streams, name: string, target = 'head'): Promise<void> {
      await upgrade({ ...s.entry(name), target, workspace: s.workspace });
    }

    const heads = async (s: Streams, name: string): Promise<readonly string[]> => (await current(s.target(name))).heads;

    it(`[${layout}] refuses an upgrade whose dependency is not applied, before anything runs`, async () => {
      const s = await streams('dep_missing');
      const refused = upgrade({ ...s.entry('billing'), target: 'head', workspace: s.workspace });
      await expect(refused).rejects.toBeInstanceOf(DependencyNotAppliedError);
      const error = (await refused.catch((e: unknown) => e)) as DependencyNotAppliedError;
      expect(error.code).toBe('RUNNER_DEPENDENCY_NOT_APPLIED');
      expect(error.message).toContain(`Stream "billing": revision ${B1} depends on accounts@${A1}, which is not applied in stream "accounts"`);
      expect(error.message).toContain(`revision ${B2} depends on accounts@${A2}`);
      expect(error.hint).toContain('`strata upgrade`');
      expect(error.hint).toContain('nx run billing:migrate');

      // With A1 applied, B1 could run but B2 could not: nothing runs (no half-run).
      await up(s, 'accounts', A1);
      const partial = (await upgrade({ ...s.entry('billing'), target: 'head', workspace: s.workspace }).catch((e: unknown) => e)) as DependencyNotAppliedError;
      expect(partial).toBeInstanceOf(DependencyNotAppliedError);
      expect(partial.details['missing']).toEqual([{ stream: 'billing', revision: B2, dependsOnStream: 'accounts', dependsOnRevision: A2 }]);
      expect(await heads(s, 'billing')).toEqual([]);
      expect(await appliedHistory(s.target('billing'))).toEqual([]);
      expect((await tablesOf(ctx.dialect, s.target('billing').url)).filter((t) => t.startsWith('t_bil'))).toEqual([]);

      // Up to B1 needs only A1: allowed.
      await up(s, 'billing', B1);
      expect(await heads(s, 'billing')).toEqual([B1]);
    });

    it(`[${layout}] names another stream's revision by its branch label (issue 10, defect 6)`, async () => {
      const shared = layout === 'one database' ? await ctx.createDatabase('dep_label') : undefined;
      const urlOf = async (name: string): Promise<string> => shared?.url ?? (await ctx.createDatabase(`dep_label_${name}`)).url;
      const labelled = new RevisionGraph([tableRevision(A1, []), { ...tableRevision(A2, [A1]), branchLabels: ['accounts_api'] }]);
      const audit = new RevisionGraph([tableRevision('aud000000001', [], ['accounts@accounts_api'])]);
      const workspace: Workspace = new Map([
        ['accounts', { stream: { name: 'accounts', dialect: ctx.name, url: await urlOf('accounts'), lockTimeoutMs: 10_000 }, graph: labelled }],
        ['audit', { stream: { name: 'audit', dialect: ctx.name, url: await urlOf('audit'), lockTimeoutMs: 10_000 }, graph: audit }],
      ]);
      const entry = (name: string): WorkspaceStream => workspace.get(name) as WorkspaceStream;
      await upgrade({ ...entry('accounts'), target: A1, workspace });
      const refused = (await upgrade({ ...entry('audit'), target: 'head', workspace }).catch((e: unknown) => e)) as DependencyNotAppliedError;
      expect(refused).toBeInstanceOf(DependencyNotAppliedError);
      expect(refused.message).toContain('depends on accounts@accounts_api');
      await upgrade({ ...entry('accounts'), target: 'head', workspace });
      await upgrade({ ...entry('audit'), target: 'head', workspace });
      expect((await current(entry('audit').stream)).heads).toEqual(['aud000000001']);
    });

    it(`[${layout}] upgrades in dependency order, and names an unknown stream`, async () => {
      const s = await streams('dep_order');
      await up(s, 'accounts');
      await up(s, 'billing');
      await up(s, 'reports');
      expect(await heads(s, 'reports')).toEqual([R1]);

      // A stream named in dependsOn that the workspace lacks and this database has no rows of.
      const orphan = new RevisionGraph([tableRevision('orp000000001', [], ['ghost@aaaa00000001'])]);
      const refused = (await upgrade({
        stream: { ...s.target('reports'), name: 'orphan' },
        graph: orphan,
        target: 'head',
        workspace: s.workspace,
      }).catch((e: unknown) => e)) as UnknownStreamError;
      expect(refused).toBeInstanceOf(UnknownStreamError);
      expect(refused.code).toBe('RUNNER_UNKNOWN_STREAM');
      expect(refused.message).toContain('revision orp000000001 depends on ghost@aaaa00000001, but stream "ghost" is unknown');
      expect(refused.message).toContain('accounts, billing, reports');
      expect(refused.hint).toContain('nx run orphan:migrate');
    });

    it(`[${layout}] without a workspace, finds the other stream only in the same database`, async () => {
      const s = await streams('no_workspace');
      await up(s, 'accounts');
      const run = upgrade({ ...s.entry('billing'), target: 'head' });
      if (layout === 'one database') {
        await run;
        expect(await heads(s, 'billing')).toEqual([B3]);
      } else {
        await expect(run).rejects.toBeInstanceOf(UnknownStreamError);
        expect(await heads(s, 'billing')).toEqual([]);
      }
    });

    it(`[${layout}] refuses a downgrade that strands a dependent stream, naming it`, async () => {
      const s = await streams('dependents');
      for (const name of ['accounts', 'billing', 'reports']) await up(s, name);

      const refused = (await downgrade({ ...s.entry('accounts'), target: '-1', workspace: s.workspace }).catch((e: unknown) => e)) as DependentsAppliedError;
      expect(refused).toBeInstanceOf(DependentsAppliedError);
      expect(refused.code).toBe('RUNNER_DEPENDENTS_APPLIED');
      expect(refused.message).toContain('"billing"');
      expect(refused.message).toContain(`billing ${B2} -> accounts@${A2}`);
      expect(refused.details['dependents']).toEqual([{ stream: 'billing', revision: B2, dependsOnStream: 'accounts', dependsOnRevision: A2 }]);
      expect(refused.hint).toContain('Downgrade billing first');
      expect(refused.hint).toContain('cascade');
      expect(await heads(s, 'accounts')).toEqual([A2]);
      expect((await tablesOf(ctx.dialect, s.target('accounts').url)).filter((t) => t.startsWith('t_acc'))).toEqual([`t_${A1}`, `t_${A2}`]);

      // Reverting billing's B3 would strand reports' R1; reports' own downgrade strands nobody, and then B3 may go.
      await expect(downgrade({ ...s.entry('billing'), target: B2, workspace: s.workspace })).rejects.toBeInstanceOf(DependentsAppliedError);
      await downgrade({ ...s.entry('reports'), target: 'base', workspace: s.workspace });
      await downgrade({ ...s.entry('billing'), target: B2, workspace: s.workspace });
      expect(await heads(s, 'billing')).toEqual([B2]);
    });

    it(`[${layout}] cascade downgrades the dependent streams first, each just below what needs the reverted revisions`, async () => {
      const s = await streams('cascade');
      for (const name of ['accounts', 'billing', 'reports']) await up(s, name);

      const events: RunEvent[] = [];
      const result = await downgrade({ ...s.entry('accounts'), target: '-1', workspace: s.workspace, cascade: true, onEvent: (e) => events.push(e) });

      const done = events.filter((e) => e.type === 'revision-done').map((e) => `${e.stream}:${e.revision}`);
      expect(done).toEqual([`reports:${R1}`, `billing:${B3}`, `billing:${B2}`, `accounts:${A2}`]);
      expect(result.cascaded?.map((r) => [r.stream, r.steps.map((step) => step.revision)])).toEqual([
        ['reports', [R1]],
        ['billing', [B3, B2]],
      ]);
      expect(result.steps.map((step) => step.revision)).toEqual([A2]);
      expect(await heads(s, 'accounts')).toEqual([A1]);
      expect(await heads(s, 'billing')).toEqual([B1]);
      expect(await heads(s, 'reports')).toEqual([]);

      // The ledgers record the reverts in that order.
      const downs = async (name: string) => (await appliedHistory(s.target(name))).filter((row) => row.direction === 'down');
      const [reports, billing, accounts] = [await downs('reports'), await downs('billing'), await downs('accounts')];
      expect(reports.map((r) => r.revision)).toEqual([R1]);
      expect(billing.map((r) => r.revision)).toEqual([B3, B2]);
      expect(accounts.map((r) => r.revision)).toEqual([A2]);
      const order = [...reports, ...billing, ...accounts];
      const key = (row: (typeof order)[number]) => (layout === 'one database' ? row.id : Date.parse(row.finishedAt));
      for (let i = 1; i < order.length; i++) {
        const [before, after] = [order[i - 1], order[i]] as [(typeof order)[number], (typeof order)[number]];
        if (layout === 'one database') expect(key(after)).toBeGreaterThan(key(before));
        else expect(key(after)).toBeGreaterThanOrEqual(key(before));
      }

      // Nothing depends on A1 any more but billing's B1: a cascade to base takes billing to base first.
      const toBase = await downgrade({ ...s.entry('accounts'), target: 'base', workspace: s.workspace, cascade: true });
      expect(toBase.cascaded?.map((r) => [r.stream, r.steps.map((step) => step.revision)])).toEqual([['billing', [B1]]]);
      expect(await heads(s, 'accounts')).toEqual([]);
      expect(await heads(s, 'billing')).toEqual([]);
    });
  }

  if (ctx.name === 'sqlite') {
    it('[separate databases] a stream whose database file does not exist yet has nothing applied, and its file stays missing', async () => {
      const entries = new Map<string, WorkspaceStream>();
      for (const name of Object.keys(GRAPHS)) {
        const url = (await ctx.createDatabase(`not_created_${name}`)).url;
        entries.set(name, { stream: { name, dialect: ctx.name, url, lockTimeoutMs: 10_000 }, graph: GRAPHS[name] as RevisionGraph });
      }
      const entry = (name: string): WorkspaceStream => entries.get(name) as WorkspaceStream;
      const fileOf = (name: string): string => sqlitePathFromUrl(entry(name).stream.url);

      // Reading accounts' ledger for billing's dependsOn: not applied, as in an empty database.
      await expect(upgrade({ ...entry('billing'), target: 'head', workspace: entries })).rejects.toBeInstanceOf(DependencyNotAppliedError);
      expect(existsSync(fileOf('accounts'))).toBe(false);

      // Reading the dependents' ledgers for a downgrade of accounts (and its cascade): none applied.
      await upgrade({ ...entry('accounts'), target: 'head', workspace: entries });
      rmSync(fileOf('billing'));
      await downgrade({ ...entry('accounts'), target: 'base', workspace: entries });
      await upgrade({ ...entry('accounts'), target: 'head', workspace: entries });
      const cascaded = await downgrade({ ...entry('accounts'), target: 'base', workspace: entries, cascade: true });
      expect(cascaded.cascaded ?? []).toEqual([]);
      expect(existsSync(fileOf('billing'))).toBe(false);
      expect(existsSync(fileOf('reports'))).toBe(false);
      // current itself refuses the missing file unless asked to read it as empty.
      await expect(current(entry('billing').stream)).rejects.toMatchObject({ code: 'DIALECT_DATABASE_FILE_MISSING' });
      expect(await current(entry('billing').stream, { ifMissing: 'empty' })).toEqual({ stream: 'billing', heads: [] });
      expect(existsSync(fileOf('billing'))).toBe(false);
    });
  }
}, ALL_TARGETS);
