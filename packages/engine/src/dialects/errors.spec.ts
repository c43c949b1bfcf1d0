import { describe, expect, it } from 'vitest';
import { StrataError } from '../errors.js';
import * as errors from './errors.js';
import { DIALECT_ERROR_CODES, DriverMissingError, InvalidUrlError, LockTimeoutError, UnknownDatabaseError } from './errors.js';

describe('dialect errors', () => {
  it('have unique, DIALECT_-prefixed codes, each thrown by one class', () => {
    expect(new Set(DIALECT_ERROR_CODES).size).toBe(DIALECT_ERROR_CODES.length);
    for (const code of DIALECT_ERROR_CODES) expect(code).toMatch(/^DIALECT_[A-Z_]+$/);
    const classes = Object.values(errors).filter(
      (value) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof StrataError,
    );
    expect(classes).toHaveLength(DIALECT_ERROR_CODES.length);
  });

  it('DriverMissingError names the package to install', () => {
    const error = new DriverMissingError({ dialect: 'mysql', redactedUrl: 'mysql://db/app' });
    expect(error.code).toBe('DIALECT_DRIVER_MISSING');
    expect(error.message).toContain('mysql2');
    expect(error.message).toContain('mysql://db/app');
    expect(error.hint).toBe('Install it: npm install mysql2');
  });

  it('DriverMissingError.isMissingPackage tells the driver missing from one of its dependencies missing', async () => {
    const missing = await import('strata-no-such-driver' as string).catch((error: unknown) => error);
    expect(DriverMissingError.isMissingPackage(missing, 'strata-no-such-driver')).toBe(true);
    expect(DriverMissingError.isMissingPackage(missing, 'pg')).toBe(false);
    expect(DriverMissingError.isMissingPackage(new Error('boom'), 'pg')).toBe(false);
  });

  it('carry the URL, dialect and facts in details, and keep the cause out of JSON', () => {
    const cause = new Error('driver internals');
    const error = new UnknownDatabaseError({ dialect: 'postgresql', redactedUrl: 'postgres://db/app', database: 'app', cause });
    expect(error.cause).toBe(cause);
    expect(error.toJSON()).toEqual({
      code: 'DIALECT_UNKNOWN_DATABASE',
      message: 'The database "app" does not exist on postgres://db/app.',
      hint: 'Create it first: createdb app (or fix the database name in the URL).',
      details: { dialect: 'postgresql', url: 'postgres://db/app', database: 'app' },
    });
  });

  it('mask the passwords of the statement they quote, in the message and the details', () => {
    const statement = "UPDATE accounts SET password = 'hunter2-busy' WHERE id = 1";
    const told = [
      new errors.SqliteBusyError({ dialect: 'sqlite', redactedUrl: 'file:app.db', path: '/repo/app.db', timeoutMs: 100, sql: statement }),
      new errors.QueryFailedError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', sql: statement, reason: "near 'WHERE' and 'hunter2-busy' at line 1" }),
      new errors.MultipleStatementsError({ dialect: 'mysql', redactedUrl: 'mysql://db/app', sql: `${statement}; SELECT 1` }),
    ];
    for (const error of told) {
      expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('hunter2');
      expect(error.message).toContain("password = '***'");
    }
  });

  it('give each dialect its own next step', () => {
    expect(new UnknownDatabaseError({ dialect: 'mysql', redactedUrl: 'mysql://db/a`b', database: 'a`b' }).hint).toContain(
      'CREATE DATABASE `a``b`',
    );
    expect(new InvalidUrlError({ dialect: 'sqlite', redactedUrl: 'x', reason: 'bad' }).hint).toContain('file:');
    expect(new LockTimeoutError({ dialect: 'sqlite', redactedUrl: 'file:a.db', timeoutMs: 5 }).hint).toContain('strata_lock');
    expect(new LockTimeoutError({ dialect: 'postgresql', redactedUrl: 'postgres://db/a', timeoutMs: 5 }).hint).toContain('--lock-timeout');
  });
});
