import { describe, expect, it } from 'vitest';
import { InvalidRevisionError } from './errors.js';
import { normalizeRevision, parseDuration, revision } from './revision.js';

const base = { id: 'aaaa00000001', parents: [], upgrade: () => undefined, downgrade: () => undefined };

function problem(value: Record<string, unknown>): string {
  try {
    normalizeRevision({ ...base, ...value }, 'rev.ts');
  } catch (error) {
    if (error instanceof InvalidRevisionError) return error.message;
    throw error;
  }
  throw new Error('normalizeRevision accepted it');
}

describe('parseDuration', () => {
  it.each([
    [250, 250],
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2min', 120_000],
    [' 3 s ', 3000],
  ] as const)('%j is %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([-1, 1.5, '5', '5 hours', 'soon', null, {}])('refuses %j', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});

describe('revision timeouts and safety allowances', () => {
  it('normalizes lockTimeout, statementTimeout and safety.allow, and keeps them when normalized again (as the loader does)', () => {
    const r = revision({
      ...base,
      lockTimeout: '2s',
      statementTimeout: 60_000,
      safety: { allow: [{ op: 'createIndex', name: 'ix_orders_user', reason: ' orders is empty ' }] },
    });
    expect([r.lockTimeoutMs, r.statementTimeoutMs, r.safetyAllow]).toEqual([2000, 60_000, [{ op: 'createIndex', name: 'ix_orders_user', reason: 'orders is empty' }]]);
    const again = normalizeRevision(r, 'rev.ts');
    expect([again.lockTimeoutMs, again.statementTimeoutMs, again.safetyAllow]).toEqual([2000, 60_000, r.safetyAllow]);
  });

  it('leaves them out when not given', () => {
    const r = revision(base);
    expect([r.lockTimeoutMs, r.statementTimeoutMs, r.safetyAllow]).toEqual([undefined, undefined, []]);
  });

  it.each([
    [{ lockTimeout: '5 hours' }, '`lockTimeout` must be a whole number of milliseconds or a duration'],
    [{ statementTimeout: -5 }, '`statementTimeout` must be'],
    [{ safety: [] }, '`safety` must be `{ allow: [{ op, name?, table?, reason }] }`'],
    [{ safety: { allow: [{ op: 'createIndex' }] } }, '`safety.allow[0]` needs a `reason`'],
    [{ safety: { allow: [{ reason: 'x' }] } }, '`safety.allow[0]` needs `op`'],
    [{ safety: { allow: [{ op: 'createIndex', reason: 'x', name: 3 }] } }, '`safety.allow[0]`.name must be a non-empty string'],
  ])('refuses %j', (value, message) => {
    expect(problem(value)).toContain(message);
  });
});
