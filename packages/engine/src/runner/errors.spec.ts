import { DrizzleQueryError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { PermissionDeniedError, QueryFailedError } from '../dialects/errors.js';
import { RevisionFailedError } from './errors.js';

describe('RevisionFailedError', () => {
  const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };

  it('ends the cause with one full stop, whether or not the cause had one (issue 11, #7)', () => {
    for (const cause of [new Error('column devices.settings differs.'), new Error('boom')]) {
      const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause, result });
      expect(error.message).not.toContain('..');
      expect(error.message).toMatch(/failed: (column devices\.settings differs|boom)\. Its changes and its ledger update were rolled back/);
    }
  });
});

describe('RevisionFailedError: the cause knows the next step', () => {
  const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };

  it("takes a coded cause's hint and code, and keeps its own hint for a plain error", () => {
    const missing = { privilege: 'USAGE and CREATE on schema public', grant: 'GRANT USAGE, CREATE ON SCHEMA public TO "reader";' };
    const cause = new PermissionDeniedError({ dialect: 'postgresql', redactedUrl: 'postgres://reader@db/app', sql: 'CREATE TABLE t ()', reason: 'permission denied for schema public', driverCode: '42501', missing });
    const coded = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause, result });
    expect(coded.hint).toContain('GRANT USAGE, CREATE ON SCHEMA public TO "reader";');
    expect(coded.hint).toContain('then run the same command again');
    expect(coded.details['causeCode']).toBe('DIALECT_PERMISSION_DENIED');
    const plain = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause: new Error('boom'), result });
    expect(plain.hint).toMatch(/^Fix the revision or the database, then run the same command again/);
    expect(plain.details).not.toHaveProperty('causeCode');
  });
});

describe('RevisionFailedError: a library wrapping the failure (Drizzle)', () => {
  const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };
  const failed = (cause: unknown) => new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause, result, dialect: 'postgresql' });
  const denied = () =>
    new PermissionDeniedError({
      dialect: 'postgresql',
      redactedUrl: 'postgres://reader@db/app',
      sql: 'CREATE TABLE t ()',
      reason: 'permission denied for schema public',
      driverCode: '42501',
      missing: { privilege: 'CREATE on schema public', grant: 'GRANT CREATE ON SCHEMA public TO "reader";' },
    });

  it("shows the query with the driver's reason, never the query's parameters", () => {
    const cause = new DrizzleQueryError('select "id" from "clients" where "token" = $1', ['s3cret'], new Error('relation "clients" does not exist'));
    const error = failed(cause);
    expect(error.message).toContain('failed: Failed query: select "id" from "clients" where "token" = $1 (relation "clients" does not exist). Its changes');
    expect(error.message).not.toContain('s3cret');
    expect(error.cause).toBe(cause);
  });

  it('around a Strata error, tells that error alone (the wrapped query did not fail), with its code and hint', () => {
    const inner = denied();
    const error = failed(new DrizzleQueryError('insert into "users" values ($1)', ['s3cret'], inner));
    expect(error.message).toContain(`failed: ${inner.message.replace(/\.\s*$/, '')}. Its changes`);
    expect(error.message).not.toContain('Failed query');
    expect(error.message).not.toContain('s3cret');
    expect(error.details['causeCode']).toBe('DIALECT_PERMISSION_DENIED');
    expect(error.hint).toContain('GRANT CREATE ON SCHEMA public TO "reader";');
  });

  it("inside the revision's own error, the own words come first and the Strata error after them", () => {
    const inner = denied();
    const error = failed(new Error('seeding the lookup table failed', { cause: new DrizzleQueryError('select 1', [], inner) }));
    expect(error.message).toContain(`failed: seeding the lookup table failed (${inner.message.replace(/\.\s*$/, '')}). Its changes`);
    expect(error.details['causeCode']).toBe('DIALECT_PERMISSION_DENIED');
  });
});
describe("RevisionFailedError: the revision's own error wrapping a Strata error", () => {
  it('keeps its words and adds the statement that failed', () => {
    const inner = new QueryFailedError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', sql: 'UPDATE accounts SET tier = 2', reason: 'deadlock detected' });
    const own = new Error('backfill of accounts.tier stopped at batch 7 of 40; rerun with --from-batch 7', { cause: inner });
    const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };
    const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause: own, result });
    expect(error.message).toContain('failed: backfill of accounts.tier stopped at batch 7 of 40; rerun with --from-batch 7 (');
    expect(error.message).toContain('deadlock detected');
    expect(error.details['causeCode']).toBe('DIALECT_QUERY_FAILED');
  });
});

describe('RevisionFailedError: a cause that is not an error', () => {
  it('adds nothing for it (no "[object Object]", no "null")', () => {
    const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };
    for (const cause of [{ table: 'users', row: 3 }, null]) {
      const own = new Error('seeding the lookup table failed', { cause });
      const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause: own, result });
      expect(error.message).toContain('failed: seeding the lookup table failed. Its changes');
    }
  });
});
