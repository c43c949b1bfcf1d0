import { describe, expect, it } from 'vitest';
import type { IdentifierLimit } from '../schema/identifiers.js';
import { serverName, withServerNames } from './server-names.js';

const POSTGRES: IdentifierLimit = { max: 63, unit: 'bytes', overflow: 'truncate' };
const MYSQL: IdentifierLimit = { max: 64, unit: 'characters', overflow: 'refuse' };
const LONG = `ix_${'order_line_items_'.repeat(4)}sku`;

describe('serverName', () => {
  it('cuts a name past 63 bytes as PostgreSQL does, at a character boundary, each part of schema.name alone', () => {
    expect(serverName(LONG, POSTGRES)).toBe(LONG.slice(0, 63));
    // A two-byte character that would straddle byte 63 goes whole.
    const accented = `${'a'.repeat(62)}é_suffix`;
    expect(serverName(accented, POSTGRES)).toBe('a'.repeat(62));
    expect(serverName(`billing.${LONG}`, POSTGRES)).toBe(`billing.${LONG.slice(0, 63)}`);
  });

  it('leaves names within the limit, and every name where the server refuses long ones or has no limit', () => {
    expect(serverName('ix_orders_sku', POSTGRES)).toBe('ix_orders_sku');
    expect(serverName(LONG, MYSQL)).toBe(LONG);
    expect(serverName(LONG, undefined)).toBe(LONG);
  });
});

describe('withServerNames', () => {
  it('cuts every object name an op carries, and no SQL text', () => {
    const where = `${LONG} IS NOT NULL`;
    const op = withServerNames(
      {
        kind: 'createTable',
        table: 'order_lines',
        columns: [{ name: LONG, type: 'integer', default: `length('${LONG}')` }],
        primaryKey: { name: `${LONG}_pkey`, columns: [LONG] },
        uniqueConstraints: [{ name: `${LONG}_key`, columns: [LONG] }],
        checkConstraints: [{ name: `${LONG}_check`, expression: where }],
        foreignKeys: [{ name: `${LONG}_fk`, columns: [LONG], referencedTable: 'skus', referencedColumns: ['id'] }],
      },
      POSTGRES,
    );
    const cut = LONG.slice(0, 63);
    expect(op).toEqual({
      kind: 'createTable',
      table: 'order_lines',
      columns: [{ name: cut, type: 'integer', default: `length('${LONG}')` }],
      primaryKey: { name: cut, columns: [cut] },
      uniqueConstraints: [{ name: cut, columns: [cut] }],
      checkConstraints: [{ name: cut, expression: where }],
      foreignKeys: [{ name: cut, columns: [cut], referencedTable: 'skus', referencedColumns: ['id'] }],
    });
    expect(withServerNames({ kind: 'createIndex', table: 'order_lines', name: LONG, columns: [{ expression: `lower(${LONG})` }], where }, POSTGRES)).toEqual({
      kind: 'createIndex',
      table: 'order_lines',
      name: cut,
      columns: [{ expression: `lower(${LONG})` }],
      where,
    });
    expect(withServerNames({ kind: 'renameConstraint', table: 'order_lines', name: LONG, to: `${LONG}_v2` }, POSTGRES)).toEqual({
      kind: 'renameConstraint',
      table: 'order_lines',
      name: cut,
      to: cut,
    });
  });

  it('returns the op itself where nothing is cut', () => {
    const op = { kind: 'dropIndex', table: 'order_lines', name: LONG } as const;
    expect(withServerNames(op, MYSQL)).toBe(op);
    expect(withServerNames({ kind: 'execute', sql: `DROP INDEX ${LONG}` }, POSTGRES)).toEqual({ kind: 'execute', sql: `DROP INDEX ${LONG}` });
  });
});
