import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidTargetError, NoTargetsError, TargetsFileNotFoundError } from './errors.js';
import { parseTargets, readTargetsFile, resolveTenant } from './targets.js';

describe('parseTargets', () => {
  it('one URL per line; blank lines, # comments and surrounding spaces skipped; line numbers kept', () => {
    const text = '# tenants of eu-1\n\n  file:tenants/a.db  \npostgres://app:s3cret@db/t_b\r\n   # paused: file:c.db\nmysql://root@db:3306/t_c\n';
    expect(parseTargets(text, 'tenants.txt')).toEqual([
      { url: 'file:tenants/a.db', line: 3 },
      { url: 'postgres://app:s3cret@db/t_b', line: 4 },
      { url: 'mysql://root@db:3306/t_c', line: 6 },
    ]);
  });

  it('a # inside a URL is part of it (a password may hold one); a URL listed twice counts once', () => {
    expect(parseTargets('postgres://app:p#ss@db/t1\npostgres://app:p#ss@db/t1\n', 'f')).toEqual([{ url: 'postgres://app:p#ss@db/t1', line: 1 }]);
  });

  it('an empty or comment-only text names nobody', () => {
    expect(parseTargets('', 'f')).toEqual([]);
    expect(parseTargets('# nobody yet\n\n', 'f')).toEqual([]);
  });

  it('refuses a line with two words, naming the file and the line, password masked', () => {
    const parse = () => parseTargets('file:a.db\npostgres://app:s3cret@db/t1 file:b.db\n', 'tenants.txt');
    expect(parse).toThrow(InvalidTargetError);
    expect(parse).toThrow(/tenants\.txt, line 2/);
    expect(parse).not.toThrow(/s3cret/);
  });
});

describe('resolveTenant', () => {
  it('takes the dialect from the scheme and resolves a relative SQLite path from the base folder', () => {
    expect(resolveTenant({ url: 'file:t/1.db', line: 1 }, { source: 'f', baseDir: '/srv/tenants' })).toEqual({
      url: 'file:t/1.db',
      connectUrl: 'file:///srv/tenants/t/1.db',
      dialect: 'sqlite',
    });
    expect(resolveTenant({ url: 'postgres://db/t1', line: 1 }, { source: 'f', baseDir: '/x', dialect: 'sqlite' })).toEqual({
      url: 'postgres://db/t1',
      connectUrl: 'postgres://db/t1',
      dialect: 'postgresql',
    });
  });

  it('an in-memory SQLite database stays in memory', () => {
    expect(resolveTenant({ url: 'file::memory:', line: 1 }, { source: 'f', baseDir: '/x' }).connectUrl).toBe(':memory:');
  });

  it('a URL whose scheme names no dialect takes the stream\'s, else is refused', () => {
    expect(resolveTenant({ url: 'tenants/acme', line: 3 }, { source: 'f', baseDir: '/x', dialect: 'sqlite' }).dialect).toBe('sqlite');
    expect(() => resolveTenant({ url: 'redis://cache', line: 3 }, { source: 'tenants.txt', baseDir: '/x' })).toThrow(/tenants\.txt, line 3: "redis:\/\/cache"/);
  });
});

describe('readTargetsFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strata-targets-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the file, relative SQLite paths from its folder', () => {
    const file = join(dir, 'tenants.txt');
    writeFileSync(file, 'file:a.db\n# b is gone\npostgres://db/t_c\n');
    expect(readTargetsFile(file).map((t) => [t.url, t.connectUrl, t.dialect])).toEqual([
      ['file:a.db', `file://${join(dir, 'a.db')}`, 'sqlite'],
      ['postgres://db/t_c', 'postgres://db/t_c', 'postgresql'],
    ]);
  });

  it('a missing file: FANOUT_TARGETS_FILE_NOT_FOUND naming it and the next step', () => {
    const file = join(dir, 'missing.txt');
    try {
      readTargetsFile(file);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TargetsFileNotFoundError);
      expect((error as TargetsFileNotFoundError).code).toBe('FANOUT_TARGETS_FILE_NOT_FOUND');
      expect((error as TargetsFileNotFoundError).message).toContain(file);
      expect((error as TargetsFileNotFoundError).hint).toContain('--targets-from-sql');
    }
  });

  it('a file naming no tenant: FANOUT_NO_TARGETS', () => {
    const file = join(dir, 'empty.txt');
    writeFileSync(file, '# none yet\n\n');
    expect(() => readTargetsFile(file)).toThrow(NoTargetsError);
    expect(() => readTargetsFile(file)).toThrow(file);
  });
});
