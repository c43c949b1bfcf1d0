import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { projectDirectory, toList, toSettingsOptions, toTarget } from './stream-options';

const context = {
  root: '/repo',
  projectName: 'billing',
  projectsConfigurations: { version: 2, projects: { billing: { root: 'apps/billing' } } },
} as unknown as ExecutorContext;

describe('executor option resolution', () => {
  it('resolves cwd from the workspace root, defaulting to the project root', () => {
    expect(projectDirectory({ cwd: 'apps/billing' }, context)).toBe('/repo/apps/billing');
    expect(projectDirectory({}, context)).toBe('/repo/apps/billing');
    expect(projectDirectory({ cwd: '/elsewhere' }, context)).toBe('/elsewhere');
  });

  it('passes only the options given to resolveStreamSettings', () => {
    expect(toSettingsOptions({ cwd: 'apps/billing', url: 'file:x.db', lockTimeoutMs: 5000, json: true }, '/repo/apps/billing')).toEqual({
      cwd: '/repo/apps/billing',
      url: 'file:x.db',
      lockTimeoutMs: 5000,
    });
  });

  it('turns the numbers Nx parses from --to=+1 / --to=-1 back into relative targets', () => {
    expect(toTarget('+1', 'up')).toBe('+1');
    expect(toTarget(1, 'up')).toBe('+1');
    expect(toTarget(-1, 'down')).toBe('-1');
    expect(toTarget(2, 'down')).toBe('-2');
    expect(toTarget('head', 'up')).toBe('head');
    expect(toTarget(undefined, 'up')).toBeUndefined();
    expect(toTarget('', 'down')).toBeUndefined();
  });

  it('splits list options', () => {
    expect(toList('a1b2, c3d4')).toEqual(['a1b2', 'c3d4']);
    expect(toList(undefined)).toEqual([]);
  });
});
