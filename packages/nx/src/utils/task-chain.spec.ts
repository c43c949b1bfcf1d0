import type { ExecutorContext } from '@nx/devkit';
import { describe, expect, it } from 'vitest';
import { outputFileOf, taskChain } from './task-chain';

const task = (project: string, overrides: Record<string, unknown>) => ({
  id: `${project}:migrate`,
  target: { project, target: 'migrate' },
  overrides,
  outputs: [],
  cache: false,
});

/** `nx run orders:migrate --sql --url=…`: users:migrate runs first with the same params. */
const taskGraph = {
  roots: ['users:migrate'],
  tasks: {
    'users:migrate': task('users', { sql: true, url: 'file:staging.db', __overrides_unparsed__: ['--sql'] }),
    'orders:migrate': task('orders', { sql: true, url: 'file:staging.db', __overrides_unparsed__: ['--sql'] }),
  },
  dependencies: { 'users:migrate': [], 'orders:migrate': ['users:migrate'] },
  continuousDependencies: {},
} as unknown as ExecutorContext['taskGraph'];

describe('taskChain', () => {
  it('gives the forwarded params and the tasks waiting on this one', () => {
    expect(taskChain({ taskGraph, projectName: 'users', targetName: 'migrate' })).toEqual({ params: { sql: true, url: 'file:staging.db' }, dependents: ['orders:migrate'] });
    expect(taskChain({ taskGraph, projectName: 'orders', targetName: 'migrate' }).dependents).toEqual([]);
    expect(taskChain({ projectName: 'orders', targetName: 'migrate' })).toEqual({ params: {}, dependents: [] });
  });

  it('puts a dependency task\'s document beside the asked-for one, never on it', () => {
    const dependency = { params: {}, dependents: ['orders:migrate'] };
    expect(outputFileOf('dist/out.sql', { params: {}, dependents: [] }, 'orders')).toBe('dist/out.sql');
    expect(outputFileOf('dist/out.sql', dependency, 'users')).toBe('dist/out.users.sql');
    expect(outputFileOf('dist.d/out', dependency, 'users')).toBe('dist.d/out.users');
  });
});
