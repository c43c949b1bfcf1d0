import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadShell } from './engine';
import { chainDatabase } from './run-executor';

const ROOT = '/repo';
const chain = (params: Record<string, unknown>) => ({ params, dependents: [] });

describe('chainDatabase', () => {
  it('takes a relative local database from the workspace root, as the dialect says, and leaves server URLs alone', async () => {
    const shell = await loadShell();
    const of = (params: Record<string, unknown>) => chainDatabase(shell, chain(params), ROOT);
    expect(of({ url: 'file:staging.db' })).toEqual({ url: pathToFileURL('/repo/staging.db').href });
    expect(of({ url: './data/app.sqlite' })).toEqual({ url: pathToFileURL('/repo/data/app.sqlite').href });
    // --dialect names the dialect of a URL whose shape does not, as it does for a stream's own URL.
    expect(of({ url: 'data/app', dialect: 'sqlite' })).toEqual({ url: pathToFileURL('/repo/data/app').href, dialect: 'sqlite' });
    expect(of({ url: ':memory:' })).toEqual({ url: ':memory:' });
    expect(of({ url: 'file::memory:' })).toEqual({ url: ':memory:' });
    expect(of({ url: 'pglite:./data/pg' })).toEqual({ url: 'pglite:/repo/data/pg' });
    expect(of({ url: 'pglite:memory://' })).toEqual({ url: 'pglite:memory://' });
    expect(of({ url: 'postgres://app@db:5432/app', dialect: 'postgresql' })).toEqual({ url: 'postgres://app@db:5432/app', dialect: 'postgresql' });
    expect(of({ url: 'redis://cache' })).toEqual({ url: 'redis://cache' });
    expect(of({ to: 'head' })).toEqual({});
  });
});
