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
  /** Drizzle's own error shape: its query in the message, the driver's error as the cause. */
  const drizzleFailure = (cause: Error) => Object.assign(new Error('Failed query: select "id" from "clients"\nparams: '), { cause });

  it("adds the driver's reason the wrapper's message leaves out", () => {
    const cause = drizzleFailure(new Error('relation "clients" does not exist'));
    const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause, result });
    expect(error.message).toMatch(/failed: Failed query: select "id" from "clients"\nparams: \(relation "clients" does not exist\)\. Its changes/);
    expect(error.cause).toBe(cause);
  });

  it('tells the Strata error inside it too: the statement that failed, its code and hint', () => {
    const inner = new PermissionDeniedError({
      dialect: 'postgresql',
      redactedUrl: 'postgres://reader@db/app',
      sql: 'CREATE TABLE t ()',
      reason: 'permission denied for schema public',
      driverCode: '42501',
      missing: { privilege: 'CREATE on schema public', grant: 'GRANT CREATE ON SCHEMA public TO "reader";' },
    });
    const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause: drizzleFailure(inner), result });
    expect(error.message).toContain(`Failed query: select "id" from "clients"\nparams: (${inner.message.replace(/\.\s*$/, '')})`);
    expect(error.details['causeCode']).toBe('DIALECT_PERMISSION_DENIED');
    expect(error.hint).toContain('GRANT CREATE ON SCHEMA public TO "reader";');
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
