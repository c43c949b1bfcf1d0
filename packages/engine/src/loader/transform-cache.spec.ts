import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { contentHash, TransformCache } from './transform-cache.js';

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

/** The pack files under a cache folder. */
function packs(dir: string): string[] {
  return readdirSync(join(dir, 'packs')).map((name) => join(dir, 'packs', name));
}

/** A pack's header and entries, checked as the cache checks them. */
function readPack(path: string): { digestMatches: boolean; entries: Record<string, unknown> } {
  const text = readFileSync(path, 'utf8');
  const end = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, end)) as { digest: string };
  const body = text.slice(end + 1);
  return { digestMatches: header.digest === contentHash(body), entries: JSON.parse(body) as Record<string, unknown> };
}

describe('TransformCache', () => {
  it('compiles a source once; the same source in another process (a new cache) is read back; a changed source compiles again', () => {
    const dir = join(root, 'fixed');
    const file = join(root, 'r1.ts');
    const first = counting('compiled v1');
    const cache = new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir });
    expect(cache.get(file, 'source v1', first.compile)).toBe('compiled v1');
    cache.flush();
    const again = counting('never used');
    expect(new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v1', again.compile)).toBe('compiled v1');
    expect(again.calls).toBe(0);
    const edited = counting('compiled v2');
    expect(new TransformCache({ o: 1 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v2', edited.compile)).toBe('compiled v2');
    expect(edited.calls).toBe(1);
    // Other compile options are another key: nothing compiled under the old ones is reused.
    const otherOptions = counting('compiled v1, other options');
    expect(new TransformCache({ o: 2 }, { STRATA_CACHE_DIR: dir }).get(file, 'source v1', otherOptions.compile)).toBe('compiled v1, other options');
    expect(otherOptions.calls).toBe(1);
  });

  it('keeps a folder\'s files in one code pack and one facts pack, whatever their number', () => {
    const dir = join(root, 'one-pack');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    for (let n = 0; n < 20; n++) {
      const hash = contentHash(`source ${n}`);
      cache.get(join(root, 'migrations', `r${n}.ts`), `source ${n}`, () => `compiled ${n}`, hash);
      cache.note(join(root, 'migrations', `r${n}.ts`), hash, { n });
    }
    cache.flush();
    expect(packs(dir).map((path) => path.replace(/^.*-[0-9a-f]{16}\./, ''))).toEqual(['code.pack', 'facts.pack']);
    const reread = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    expect(reread.facts(join(root, 'migrations', 'r7.ts'), contentHash('source 7'))).toEqual({ n: 7 });
    expect(reread.get(join(root, 'migrations', 'r7.ts'), 'source 7', () => 'not cached')).toBe('compiled 7');
  });

  it('prunes, when asked, the entries of sources not asked about (files edited or deleted since)', () => {
    const dir = join(root, 'prune');
    const file = (n: number): string => join(root, 'pruned', `r${n}.ts`);
    const first = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    first.get(file(1), 'one', () => 'compiled one');
    first.get(file(2), 'two', () => 'compiled two');
    first.flush();
    const second = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    second.get(file(1), 'one', () => 'not cached');
    second.flush({ prune: true });
    const [codePack] = packs(dir).filter((path) => path.endsWith('.code.pack'));
    expect(Object.values(readPack(codePack!).entries)).toEqual(['compiled one']);
  });

  it('keeps its packs under node_modules/.cache/strata of the nearest folder with a node_modules', () => {
    const project = join(root, 'project');
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    mkdirSync(join(project, 'apps', 'api', 'migrations'), { recursive: true });
    const cache = new TransformCache({}, {});
    cache.get(join(project, 'apps', 'api', 'migrations', 'r.ts'), 'source', () => 'compiled');
    cache.flush();
    expect(readdirSync(join(project, 'node_modules', '.cache', 'strata', 'packs'))).toHaveLength(1);
  });

  it('STRATA_CACHE_DIR=off compiles every time and writes nothing', () => {
    const calls = counting('compiled');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: 'off' });
    cache.get(join(root, 'r.ts'), 'source', calls.compile);
    cache.get(join(root, 'r.ts'), 'source', calls.compile);
    cache.flush();
    expect(calls.calls).toBe(2);
  });

  it('a folder it cannot write to costs only the compile, in every process', () => {
    // Under a file, no folder can be made, whoever runs the test (root included).
    const blocker = join(root, 'a-file');
    writeFileSync(blocker, '');
    for (let run = 0; run < 2; run++) {
      const calls = counting('compiled');
      const cache = new TransformCache({}, { STRATA_CACHE_DIR: join(blocker, 'cache') });
      expect(cache.get(join(root, 'r.ts'), 'source', calls.compile)).toBe('compiled');
      expect(() => cache.flush()).not.toThrow();
      expect(calls.calls).toBe(1);
    }
  });

  it('a damaged pack is read as empty: the source compiles again and the pack is rewritten whole', () => {
    const dir = join(root, 'damaged');
    const file = join(root, 'damaged-src', 'r.ts');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    cache.get(file, 'source', () => 'compiled right');
    cache.flush();
    const [codePack] = packs(dir).filter((path) => path.endsWith('.code.pack'));
    const damages = [
      (text: string) => text.replace('compiled right', 'compiled wrong'),
      (text: string) => text.slice(0, text.length - 5),
      () => 'not a pack',
      () => '',
    ];
    for (const damage of damages) {
      writeFileSync(codePack!, damage(readFileSync(codePack!, 'utf8')));
      const recompiled = counting('compiled right');
      const next = new TransformCache({}, { STRATA_CACHE_DIR: dir });
      expect(next.get(file, 'source', recompiled.compile)).toBe('compiled right');
      expect(recompiled.calls).toBe(1);
      next.flush();
      expect(readPack(codePack!)).toEqual({ digestMatches: true, entries: { [contentHash('source')]: 'compiled right' } });
    }
  });

  it('a compile error is the caller\'s, and nothing is stored for it', () => {
    const dir = join(root, 'errors');
    const cache = new TransformCache({}, { STRATA_CACHE_DIR: dir });
    expect(() =>
      cache.get(join(root, 'bad.ts'), 'export default {', () => {
        throw new SyntaxError('Unexpected token');
      }),
    ).toThrow('Unexpected token');
    cache.flush();
    expect(() => readdirSync(dir)).toThrow();
  });

  it('two processes writing the same pack over and over leave a whole pack, each entry the right text', async () => {
    const dir = join(root, 'concurrent');
    const folder = join(root, 'shared-migrations');
    const moduleUrl = pathToFileURL(fileURLToPath(new URL('../../dist/loader/transform-cache.js', import.meta.url))).href;
    // Each writer compiles its own sources (and one both share) in 40 processes' worth of fresh caches.
    const writer = (name: string): Promise<number | null> =>
      new Promise((done, fail) => {
        const script = [
          `const { TransformCache } = await import(${JSON.stringify(moduleUrl)});`,
          'for (let run = 0; run < 40; run++) {',
          `  const cache = new TransformCache({}, { STRATA_CACHE_DIR: ${JSON.stringify(dir)} });`,
          `  for (let n = 0; n < 20; n++) cache.get(${JSON.stringify(folder)} + '/r' + n + '.ts', '${name} source ' + n, () => '${name} compiled ' + n);`,
          `  cache.get(${JSON.stringify(folder)} + '/shared.ts', 'shared source', () => 'shared compiled');`,
          '  cache.flush();',
          '}',
        ].join('\n');
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('error', fail);
        child.on('exit', done);
      });
    expect(await Promise.all([writer('a'), writer('b')])).toEqual([0, 0]);
    const [codePack] = packs(dir);
    const { digestMatches, entries } = readPack(codePack!);
    expect(digestMatches).toBe(true);
    expect(entries[contentHash('shared source')]).toBe('shared compiled');
    for (const name of ['a', 'b']) {
      for (let n = 0; n < 20; n++) {
        const code = entries[contentHash(`${name} source ${n}`)];
        if (code !== undefined) expect(code).toBe(`${name} compiled ${n}`);
      }
    }
    expect(readdirSync(join(dir, 'packs')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
