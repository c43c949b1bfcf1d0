import { describe, expect, it } from 'vitest';
import { revision, type Revision } from '../revision/revision.js';
import { RevisionGraph } from '../revision/revision-graph.js';
import { checkStream, describeCheckFinding } from './check.js';
import { crossStreamForeignKeys, dependenciesOf, tableOwners } from './cross-stream.js';

// accounts: A1 creates users; billing: B1 creates invoices → users (issue 12, item 4).
const A1 = 'acc000000001';
const B1 = 'bil000000001';
const B2 = 'bil000000002';

function createUsers(): Revision {
  return revision({
    id: A1,
    parents: [],
    message: 'create users',
    async upgrade({ op, inspect }) {
      if (!(await inspect.hasTable('users'))) await op.createTable('users', { columns: [{ name: 'id', type: 'integer', primaryKey: true }] });
    },
    async downgrade({ op, inspect }) {
      if (await inspect.hasTable('users')) await op.dropTable('users');
    },
  });
}

function createInvoices(dependsOn: readonly string[]): Revision {
  return revision({
    id: B1,
    parents: [],
    dependsOn,
    message: 'create invoices',
    async upgrade({ op, inspect }) {
      if (!(await inspect.hasTable('invoices'))) {
        await op.createTable('invoices', {
          columns: [{ name: 'id', type: 'integer', primaryKey: true }, { name: 'user_id', type: 'integer' }],
          foreignKeys: [{ name: 'invoices_user_id_users_id_fk', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] }],
        });
      }
    },
    async downgrade({ op, inspect }) {
      if (await inspect.hasTable('invoices')) await op.dropTable('invoices');
    },
  });
}

/** A later revision of billing that adds nothing cross-stream. */
function addNote(): Revision {
  return revision({
    id: B2,
    parents: [B1],
    message: 'add note',
    async upgrade({ op, inspect }) {
      if (!(await inspect.hasColumn('invoices', 'note'))) await op.addColumn('invoices', { name: 'note', type: 'text' });
    },
    async downgrade({ op, inspect }) {
      if (await inspect.hasColumn('invoices', 'note')) await op.dropColumn('invoices', 'note');
    },
  });
}

const accounts = { name: 'accounts', dialect: 'sqlite' as const, graph: new RevisionGraph([createUsers()]) };

describe('cross-stream foreign keys', () => {
  it('tableOwners: every table a stream builds, with its head', async () => {
    expect(await tableOwners([accounts])).toEqual(new Map([['users', { stream: 'accounts', head: A1 }]]));
  });

  it('a created foreign key to another stream\'s table needs that stream at its head; one to the stream\'s own table does not', () => {
    const owners = new Map([['users', { stream: 'accounts', head: A1 }], ['invoices', { stream: 'billing', head: B1 }]]);
    const ops = [
      {
        kind: 'createTable' as const,
        table: 'payments',
        columns: [{ name: 'id', type: 'integer' }],
        foreignKeys: [
          { name: 'payments_user_fk', columns: ['id'], referencedTable: 'users', referencedColumns: ['id'] },
          { name: 'payments_invoice_fk', columns: ['id'], referencedTable: 'invoices', referencedColumns: ['id'] },
        ],
      },
      { kind: 'createForeignKey' as const, table: 'invoices', foreignKey: { name: 'invoices_user_fk', columns: ['user_id'], referencedTable: 'users', referencedColumns: ['id'] } },
    ];
    const found = crossStreamForeignKeys(ops, new Set(['payments', 'invoices']), owners, 'billing');
    expect(found.map((f) => [f.table, f.foreignKey, f.owner.stream])).toEqual([
      ['payments', 'payments_user_fk', 'accounts'],
      ['invoices', 'invoices_user_fk', 'accounts'],
    ]);
    expect(dependenciesOf(found)).toEqual([`accounts@${A1}`]);
  });

  it('check fails on a revision adding a foreign key to another stream\'s table without depending on it, naming the revision, the key, the stream and the fix', async () => {
    const owners = await tableOwners([accounts]);
    const graph = new RevisionGraph([createInvoices([]), addNote()]);
    const findings = await checkStream({ stream: 'billing', dialect: 'sqlite', graph, owners });
    expect(findings).toEqual([
      {
        kind: 'missing-cross-stream-dependency',
        revision: B1,
        table: 'invoices',
        foreignKey: 'invoices_user_id_users_id_fk',
        referencedTable: 'users',
        owner: { stream: 'accounts', head: A1 },
      },
    ]);
    expect(describeCheckFinding(findings[0]!)).toBe(
      `revision ${B1} adds foreign key invoices_user_id_users_id_fk on invoices to table users, which stream accounts owns, without depending on that stream: ` +
        `add \`dependsOn: ['accounts@${A1}']\` to the revision (applied already: then record its new checksum with strata repair)`,
    );
  });

  it('check passes when the revision (or one below it) depends on the owning stream', async () => {
    const owners = await tableOwners([accounts]);
    const graph = new RevisionGraph([createInvoices([`accounts@${A1}`]), addNote()]);
    expect(await checkStream({ stream: 'billing', dialect: 'sqlite', graph, owners })).toEqual([]);
    expect(await checkStream({ stream: 'billing', dialect: 'sqlite', graph: new RevisionGraph([createInvoices([])]) })).toEqual([]);
  });
});
