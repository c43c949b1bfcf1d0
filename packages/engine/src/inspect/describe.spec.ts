import { describe, expect, it } from 'vitest';
import {
  describeCheckConstraint,
  describeColumn,
  describeEnum,
  describeForeignKey,
  describeIndex,
  describePrimaryKey,
  describeTableColumns,
  describeUniqueConstraint,
} from './describe.js';

describe('describe*: one-line definitions', () => {
  it('columns: type, nullability, default, auto-increment, generated', () => {
    expect(describeColumn({ name: 'code', type: 'varchar(255)', nullable: false, default: "'x'" })).toBe("varchar(255) NOT NULL DEFAULT 'x'");
    expect(describeColumn({ name: 'id', type: 'integer', nullable: false, autoIncrement: true })).toBe('integer NOT NULL AUTO_INCREMENT');
    expect(describeColumn({ name: 'id', type: 'integer', nullable: true, autoIncrement: false })).toBe('integer NULL');
    expect(describeColumn({ name: 'n', type: 'int', nullable: true, generated: { expression: 'a + b', stored: false } })).toBe(
      'int NULL GENERATED ALWAYS AS (a + b) VIRTUAL',
    );
  });

  it('indexes: uniqueness, parts, method, predicate', () => {
    expect(describeIndex({ name: 'ix', parts: [{ column: 'a' }, { expression: 'lower(b)' }], unique: true, where: 'x' })).toBe(
      'UNIQUE INDEX ix ON (a, lower(b)) WHERE x',
    );
    expect(describeIndex({ name: 'ix', parts: [{ column: 'doc' }], unique: false, method: 'gin' })).toBe('INDEX ix ON (doc) USING gin');
  });

  it('constraints, primary keys, enums and tables', () => {
    expect(
      describeForeignKey({ name: 'fk', columns: ['a', 'b'], referencedTable: 't', referencedColumns: ['x', 'y'], onDelete: 'set null', onUpdate: 'cascade' }),
    ).toBe('FOREIGN KEY fk (a, b) REFERENCES t (x, y) ON DELETE SET NULL ON UPDATE CASCADE');
    expect(describeUniqueConstraint({ name: 'uq', columns: ['a', 'b'] })).toBe('UNIQUE uq (a, b)');
    expect(describeCheckConstraint({ name: 'ck', expression: 'a > 0' })).toBe('CHECK ck (a > 0)');
    expect(describePrimaryKey({ name: 't_pkey', columns: ['a'] })).toBe('PRIMARY KEY t_pkey (a)');
    expect(describePrimaryKey({ columns: ['a', 'b'] })).toBe('PRIMARY KEY (a, b)');
    expect(describeEnum({ name: 'mood', values: ['sad', "it's ok"] })).toBe("ENUM mood ('sad', 'it''s ok')");
    expect(describeTableColumns('t', [['id', { name: 'id', type: 'integer', nullable: false }], ['gone', undefined]])).toBe(
      'TABLE t (id integer NOT NULL, gone missing)',
    );
  });
});
