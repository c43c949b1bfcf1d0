import { describe, expect, it } from 'vitest';
import { absoluteDatabaseUrl, dialectFromUrl, redactUrl, scrubPassword, sqlitePathFromUrl } from './url.js';

describe('redactUrl', () => {
  it.each([
    ['postgres://app:s3cret@db:5432/app', 'postgres://app:***@db:5432/app'],
    ['postgresql://app:s3cret@db/app?sslmode=require', 'postgresql://app:***@db/app?sslmode=require'],
    ['mysql://root:pw@127.0.0.1:3306/', 'mysql://root:***@127.0.0.1:3306/'],
    ['mariadb://:onlypw@host/db', 'mariadb://:***@host/db'],
    ['postgres://app:p%40ss@db/app', 'postgres://app:***@db/app'],
  ])('masks the password of %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each([
    'postgres://app@db:5432/app',
    'mysql://root@127.0.0.1:3306/',
    'file:./data/app.db',
    'sqlite:/tmp/we@ird.db',
    ':memory:',
    './data/app.db',
    '',
  ])('leaves %s alone: it has no password', (url) => {
    expect(redactUrl(url)).toBe(url);
  });

  it.each([
    ['an unencoded @ in the password', 'postgres://app:p@ss@db/app', 'p@ss'],
    ['an unencoded / in the password', 'postgres://app:pa/ss@db/app', 'pa/ss'],
    ['an unencoded # and ? in the password', 'mysql://app:p#a?ss@db/app', 'p#a?ss'],
    ['a bad port', 'postgres://app:s3cret@db:notaport/app', 's3cret'],
    ['no scheme', 'app:s3cret@db:5432/app', 's3cret'],
    ['a password query parameter', 'postgres://db/app?user=x&password=s3cret', 's3cret'],
    ['a libpq key-value string', 'host=db user=app password=s3cret dbname=app', 's3cret'],
    ['a password= in the middle of the path', 'mysql://db/app?sslpassword=s3cret&x=1', 's3cret'],
  ])('never leaks with %s', (_label, url, secret) => {
    const redacted = redactUrl(url);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('***');
  });
});

describe('scrubPassword', () => {
  it('removes the written and the decoded password from a text', () => {
    const url = 'postgres://app:p%40ss%2Fword@db/app';
    expect(scrubPassword('failed with p%40ss%2Fword and p@ss/word', url)).toBe('failed with *** and ***');
  });

  it('leaves the text alone when the URL has no password', () => {
    expect(scrubPassword('user app failed', 'postgres://app@db/app')).toBe('user app failed');
  });
});

describe('dialectFromUrl', () => {
  it.each([
    ['postgres://db/app', 'postgresql'],
    ['POSTGRESQL://db/app', 'postgresql'],
    ['mysql://db/app', 'mysql'],
    ['mariadb://db/app', 'mysql'],
    ['file:./app.db', 'sqlite'],
    ['sqlite:app.db', 'sqlite'],
    [':memory:', 'sqlite'],
    ['./data/app.db', 'sqlite'],
    ['/var/lib/app.sqlite', 'sqlite'],
    ['data/app.SQLITE3', 'sqlite'],
    ['redis://db', undefined],
    ['https://example.com/app.db', undefined],
    ['app.txt', undefined],
    ['', undefined],
  ] as const)('%s → %s', (url, expected) => {
    expect(dialectFromUrl(url)).toBe(expected);
  });
});

describe('sqlitePathFromUrl', () => {
  it.each([
    [':memory:', ':memory:'],
    ['file::memory:', ':memory:'],
    ['sqlite::memory:', ':memory:'],
    ['file:./app.db', '/repo/app.db'],
    ['file:data/app.db?mode=ro', '/repo/data/app.db'],
    ['file:///var/app.db', '/var/app.db'],
    ['file://localhost/var/my%20app.db', '/var/my app.db'],
    ['file:/var/app.db', '/var/app.db'],
    ['sqlite:app.db', '/repo/app.db'],
    ['sqlite:///var/app.db', '/var/app.db'],
    ['sqlite://rel/app.db', '/repo/rel/app.db'],
    ['./app.db', '/repo/app.db'],
    ['/abs/app.db', '/abs/app.db'],
  ])('%s → %s', (url, expected) => {
    expect(sqlitePathFromUrl(url, '/repo')).toBe(expected);
  });

  it('resolves relative paths against the current directory by default', () => {
    expect(sqlitePathFromUrl('app.db')).toBe(`${process.cwd()}/app.db`);
  });
});

describe('absoluteDatabaseUrl', () => {
  it.each([
    ['file:tenants/acme.db', 'sqlite', 'file:///srv/app/tenants/acme.db'],
    ['pglite:./data/pg?extensions=citext', 'postgresql', 'pglite:/srv/app/data/pg?extensions=citext'],
    ['pglite:../shared/pg', 'postgresql', 'pglite:/srv/shared/pg'],
    ['pglite:data/100%25 pg', 'postgresql', 'pglite:/srv/app/data/100%25 pg'],
    ['pglite:///var/lib/pg', 'postgresql', 'pglite:///var/lib/pg'],
    ['pglite:memory://scratch?extensions=pg_trgm', 'postgresql', 'pglite:memory://scratch?extensions=pg_trgm'],
    ['pglite:', 'postgresql', 'pglite:'],
    ['postgres://db/acme', 'postgresql', 'postgres://db/acme'],
  ] as const)('%s (%s) from /srv/app: %s', (url, dialect, expected) => {
    expect(absoluteDatabaseUrl(url, dialect, '/srv/app')).toBe(expected);
  });
});
