import { describe, expect, it } from 'vitest';
import { hostCredentialsUrl, takesHostCredentials } from './credentials.js';

describe('hostCredentialsUrl', () => {
  it('spells a PostgreSQL URL with a numeric port, an IPv6 host in brackets and sslmode from a string', () => {
    expect(hostCredentialsUrl('postgresql', { host: '::1', port: 6432, user: 'app', database: 'billing', ssl: 'verify-full' })).toBe(
      'postgresql://app@[::1]:6432/billing?sslmode=verify-full',
    );
  });

  it('gives MySQL no ssl parameter for ssl: false and a profile name as it is', () => {
    expect(hostCredentialsUrl('mysql', { host: 'db', database: 'shop', ssl: false })).toBe('mysql://db/shop');
    expect(hostCredentialsUrl('mysql', { host: 'db', database: 'shop', ssl: 'Amazon RDS' })).toBe('mysql://db/shop?ssl=Amazon%20RDS');
  });

  it('names the key whose value has the wrong type', () => {
    expect(hostCredentialsUrl('mysql', { host: 'db', user: 42 })).toEqual({ problem: '`dbCredentials.user` must be a string' });
    expect(hostCredentialsUrl('postgresql', { host: 'db', port: [5432] })).toEqual({ problem: '`dbCredentials.port` must be a number' });
  });

  it('knows that SQLite takes a url only', () => {
    expect(takesHostCredentials('sqlite')).toBe(false);
    expect(takesHostCredentials('postgresql') && takesHostCredentials('mysql')).toBe(true);
    expect(hostCredentialsUrl('sqlite', { host: 'db' })).toEqual({ problem: '`dbCredentials.url` is missing' });
  });
});
