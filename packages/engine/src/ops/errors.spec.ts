import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import * as errors from './errors.js';

const classes = (Object.values(errors) as unknown[]).filter(
  (value): value is typeof StrataError & { CODE: string } => typeof value === 'function' && value.prototype instanceof StrataError,
);

describe('ops errors', () => {
  it('each class has a unique OPS_ code', () => {
    const codes = classes.map((cls) => cls.CODE);
    expect(codes.length).toBe(7);
    for (const code of codes) expect(code).toMatch(/^OPS_[A-Z_]+$/);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('messages name the op and the object; every error carries a hint and JSON-safe details', () => {
    const samples: StrataError[] = [
      new errors.TableMissingError('clients', 'dropTable'),
      new errors.ColumnMissingError('clients', 'status', 'dropColumn'),
      new errors.ObjectMissingError('index', 'ix_a', 'clients', 'dropIndex'),
      new errors.ObjectExistsError('enum', 'mood', undefined, 'createEnum'),
      new errors.ObjectInUseError('table', 'clients', undefined, 'dropTable', 'foreign key fk_orders_client on table orders'),
      new errors.InvalidOpError('createIndex', 'index ix_a on table a has no columns.'),
      new errors.IrreversibleOpError('addEnumValue', 'value happy of enum mood', 'PostgreSQL cannot drop a value from an enum'),
    ];
    expect(samples.map((e) => e.message)).toEqual([
      'dropTable: table clients does not exist.',
      'dropColumn: column status does not exist on table clients.',
      'dropIndex: index ix_a on table clients does not exist.',
      'createEnum: enum mood already exists.',
      'dropTable: table clients is still used by foreign key fk_orders_client on table orders.',
      'createIndex: index ix_a on table a has no columns.',
      'addEnumValue (value happy of enum mood) cannot be reversed: PostgreSQL cannot drop a value from an enum.',
    ]);
    for (const error of samples) {
      expect(error.hint).toBeTruthy();
      expect(JSON.parse(JSON.stringify(error.details))).toEqual(error.details);
    }
  });
});
