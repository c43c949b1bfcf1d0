import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransformCache } from './transform-cache.js';

const root = mkdtempSync(join(tmpdir(), 'strata-transform-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A compile function that counts its calls. */
function counting(result: string): { compile: () => string; readonly calls: number } {
  let calls = 0;
  return {
    compile: () => {
      calls += 1;
      return result;
    },
    get calls() {
      return calls;
    },
  };
}

describe('TransformCache', () => {
  it('compiles a source once; the same source in another process (a new cache) is read back; a changed source compiles again', () => {
    const dir = join(root, 'fixed');
    const file = join(root, 'r1.ts');
    const first = counting('compiled v1');
    expect(new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v1', first.compile)).toBe('compiled v1');
    const again = counting('never used');
    expect(new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v1', again.compile)).toBe('compiled v1');
    expect(again.calls).toBe(0);
    const edited = counting('compiled v2');
    expect(new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v2', edited.compile)).toBe('compiled v2');
    expect(edited.calls).toBe(1);
    // Other compile options are another key: nothing compiled under the old ones is reused.
    const otherOptions = counting('compiled v1, other options');
    expect(new TransformCache({ o: 2 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v1', otherOptions.compile)).toBe('compiled v1, other options');
  });

  it('keeps its files under node_modules/.cache/strata of the nearest folder with a node_modules', () => {
    const project = join(root, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    mkdirSync(join(project, 'apps', 'api', 'migrations'), { recursive: true });
    new TransformCache({}, {}).get(join(project, 'apps', 'api', 'migrations', 'r.ts'), 'source', () => 'compiled');
    expect(readdirSync(join(project, 'node_modules', '.cache', 'strata'))).toHaveLength(1);
  });

  it('STRATA_CACHE_DIR=off compiles every time and writes nothing', () => {
    const calls = counting('compiled');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: 'off' });
    cache.get(join(root, 'r.ts'), 'source', calls.compile);
    cache.get(join(root, 'r.ts'), 'source', calls.compile);
    expect(calls.calls).toBe(2);
  });

  it('a folder it cannot write to costs only the compile', () => {
    // Under a file, no folder can be made, whoever runs the test (root included).
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    const calls = counting('compiled');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: join(blocker, 'cache') });
    expect(cache.get(join(root, 'r.ts'), 'source', calls.compile)).toBe('compiled');
    expect(cache.get(join(root, 'r.ts'), 'source', calls.compile)).toBe('compiled');
    expect(calls.calls).toBe(2);
  });

  it('a compile error is the caller\'s, and nothing is stored for it', () => {
    const dir = join(root, 'errors');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    expect(() =>
      cache.get(join(root, 'bad.ts'), 'export default {', () => {
        throw new SyntaxError('Unexpected token');
      }),
    ).toThrow('Unexpected token');
    expect(() => readdirSync(dir)).toThrow();
  });
});
