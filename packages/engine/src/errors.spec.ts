import { describe, expect, it } from 'vitest';
import { UsageError } from './cli/errors.js';
import * as engine from './index.js';
import { StrataError } from './errors.js';
import * as testing from './testing/index.js';

/** Every StrataError subclass reachable from the public API (both entry points) and the CLI, by its static CODE. */
function errorClasses(): { name: string; code: string }[] {
  const candidates: unknown[] = [...new Set([...Object.values(engine), ...Object.values(testing), UsageError])];
  return candidates
    .filter((value): value is typeof StrataError & { CODE: string } => typeof value === 'function' && value.prototype instanceof StrataError)
    .map((cls) => ({ name: cls.name, code: cls.CODE }));
}

describe('error codes', () => {
  it('every error class has a code of the form AREA_CONDITION', () => {
    const classes = errorClasses();
    expect(classes.length).toBeGreaterThan(40);
    for (const { name, code } of classes) {
      expect(code, name).toMatch(/^(REVISION|RUNNER|DIALECT|CONFIG|LOADER|CLI|OPS|OFFLINE|SCHEMA|AUTOGENERATE|FANOUT|TESTING)_[A-Z_]+$/);
    }
  });

  it('no two error classes share a code', () => {
    const byCode = new Map<string, string[]>();
    for (const { name, code } of errorClasses()) byCode.set(code, [...(byCode.get(code) ?? []), name]);
    const shared = [...byCode].filter(([, names]) => names.length > 1);
    expect(shared).toEqual([]);
  });
});
