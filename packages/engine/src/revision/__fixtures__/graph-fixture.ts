import { StrataError } from '../../errors.js';
import { RevisionGraph } from '../revision-graph.js';
import type { Revision } from '../revision.js';

// The compact graph fixture of the revision specs: 'e<-d,c dep:c,accounts@3f2a label:x' is revision
// e with parents d and c, depending on c (and on accounts' 3f2a), labelled x. Short names are padded to
// 4 characters with '_' so they are valid ids; cross-stream names (with '@') are kept as they are.

const noop = (): void => undefined;

/** The padded id of a short name. */
export const id = (name: string): string => (name.includes('@') ? name : name.padEnd(4, '_'));

/** Short names back from padded ids. */
export const short = (ids: Iterable<string>): string[] => [...ids].map((x) => x.replace(/_+$/, ''));

/** One revision from its compact spec, optionally with the file it came from. */
export function rev(spec: string, file?: string): Revision {
  const [head = '', ...opts] = spec.trim().split(/\s+/);
  const [name = '', parents] = head.split('<-');
  const opt = (key: string): string[] => opts.find((o) => o.startsWith(`${key}:`))?.slice(key.length + 1).split(',') ?? [];
  return {
    id: id(name),
    parents: parents ? parents.split(',').map(id) : [],
    message: '',
    dependsOn: opt('dep').map(id),
    branchLabels: opt('label'),
    transactional: true,
    safetyAllow: [],
    upgrade: noop,
    downgrade: noop,
    ...(file ? { file } : {}),
  };
}

/** A graph from compact specs. */
export const graph = (...specs: string[]): RevisionGraph => new RevisionGraph(specs.map((s) => rev(s)));

/** The StrataError `fn` throws; fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): StrataError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StrataError) return error;
    throw error;
  }
  throw new Error('expected a StrataError');
}
