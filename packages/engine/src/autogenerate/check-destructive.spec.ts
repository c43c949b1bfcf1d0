import { describe, expect, it } from 'vitest';
import { classifyOperation } from './check-destructive.js';

describe('classifyOperation', () => {
  const column = { name: 'name', type: 'varchar(200)', nullable: true };

  it('a type change is destructive unless it widens', () => {
    expect(classifyOperation({ op: { kind: 'alterColumn', table: 'users', column: 'name', type: 'varchar(40)' }, column })?.description).toBe(
      'changes column users.name from varchar(200) to varchar(40), which may truncate or reject existing values',
    );
    expect(classifyOperation({ op: { kind: 'alterColumn', table: 'users', column: 'name', type: 'varchar(400)' }, column })).toBeUndefined();
    expect(classifyOperation({ op: { kind: 'alterColumn', table: 'users', column: 'name', type: 'text' }, column })).toBeUndefined();
    expect(classifyOperation({ op: { kind: 'alterColumn', table: 'users', column: 'name', nullable: false }, column })).toBeUndefined();
  });

  it('drops are destructive; creates are not', () => {
    expect(classifyOperation({ op: { kind: 'dropTable', table: 'users' } })).toMatchObject({ severity: 'destructive', table: 'users' });
    expect(classifyOperation({ op: { kind: 'dropCheckConstraint', table: 'users', name: 'users_age' } })?.description).toBe('drops check constraint users_age on users');
    expect(classifyOperation({ op: { kind: 'dropEnum', name: 'mood' } })?.description).toBe('drops enum mood');
    expect(classifyOperation({ op: { kind: 'createEnum', name: 'mood', values: ['a'] } })).toBeUndefined();
  });

  it('raw SQL is unknown unless it only reads, inserts or creates', () => {
    for (const sql of ['SELECT 1', 'insert into t values (1)', 'CREATE TABLE t (id int)', '  create index i on t (a)']) {
      expect(classifyOperation({ op: { kind: 'execute', sql } }), sql).toBeUndefined();
    }
    for (const sql of ['DELETE FROM t', 'UPDATE t SET a = 1', 'TRUNCATE t', 'CREATE OR REPLACE VIEW v AS SELECT 1', 'ALTER TABLE t DROP COLUMN a']) {
      expect(classifyOperation({ op: { kind: 'execute', sql } }), sql).toMatchObject({ severity: 'unknown' });
    }
  });

  it('lists raw SQL with the passwords it writes masked (printed before every run and by strata check)', () => {
    expect(classifyOperation({ op: { kind: 'execute', sql: "ALTER ROLE app PASSWORD 'hunter2'" } })?.description).toBe("runs raw SQL: ALTER ROLE app PASSWORD '***'");
    expect(classifyOperation({ op: { kind: 'execute', sql: "UPDATE accounts SET password = 'hunter2' WHERE id = 1" } })?.description).toBe(
      "runs raw SQL: UPDATE accounts SET password = '***' WHERE id = 1",
    );
  });
});
