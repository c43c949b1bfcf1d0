import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requireDeferring } from './deferred-require.js';

const root = mkdtempSync(join(tmpdir(), 'strata-deferred-require-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const require = createRequire(import.meta.url);

/**
 * A folder with `bundle.cjs`, which requires `./used.cjs` and `./unused.cjs` when it loads and reads
 * `unused` only in `readUnused()`; each dependency records in `globalThis[key]` that it ran.
 */
function bundle(name: string): { file: string; ran: () => string[] } {
  const dir = join(root, name);
  mkdirSync(dir);
  const key = `__strataDeferred_${name}`;
  const dependency = (what: string) =>
    `(globalThis[${JSON.stringify(key)}] ??= []).push(${JSON.stringify(what)});\n` +
    `Object.defineProperty(exports, 'name', { get: () => ${JSON.stringify(what)}, enumerable: true });\n` +
    `exports.Table = class Table {};\n`;
  writeFileSync(join(dir, 'used.cjs'), dependency('used'));
  writeFileSync(join(dir, 'unused.cjs'), dependency('unused'));
  writeFileSync(
    join(dir, 'bundle.cjs'),
    "const used = require('./used.cjs');\nconst unused = require('./unused.cjs');\n" +
      'exports.usedName = used.name;\nexports.readUnused = () => unused;\n',
  );
  return { file: join(dir, 'bundle.cjs'), ran: () => [...(((globalThis as Record<string, unknown>)[key] as string[] | undefined) ?? [])] };
}

describe('requireDeferring', () => {
  it('loads a deferred dependency only when something of it is read, and forwards every read to it', () => {
    const { file, ran } = bundle('forwarding');
    const exports = requireDeferring(file, (specifier) => specifier === './unused.cjs') as { usedName: string; readUnused(): Record<string, unknown> };
    expect(exports.usedName).toBe('used');
    expect(ran()).toEqual(['used']);

    const unused = exports.readUnused();
    expect(ran()).toEqual(['used']);
    expect(unused['name']).toBe('unused');
    expect(ran()).toEqual(['used', 'unused']);
    const real = require(join(root, 'forwarding', 'unused.cjs')) as Record<string, unknown>;
    expect(unused['Table']).toBe(real['Table']);
    expect('Table' in unused).toBe(true);
    expect(Object.keys(unused)).toEqual(Object.keys(real));
    expect({ ...unused }).toEqual({ ...real });
    // esbuild's bundles copy a module's exports through their descriptors (`__copyProps`).
    expect(Object.getOwnPropertyDescriptor(unused, 'name')?.get?.()).toBe('unused');
  });

  it('puts the module in require\'s cache, so a later require (or call) gets the same exports', () => {
    const { file } = bundle('cached');
    const exports = requireDeferring(file, () => true);
    expect(require(file)).toBe(exports);
    expect(requireDeferring(file, () => true)).toBe(exports);
  });

  it('leaves the cache as it was when the module throws', () => {
    const file = join(root, 'throws.cjs');
    writeFileSync(file, "throw new Error('boom');\n");
    expect(() => requireDeferring(file, () => true)).toThrow('boom');
    expect(require.cache[file]).toBeUndefined();
  });
});
