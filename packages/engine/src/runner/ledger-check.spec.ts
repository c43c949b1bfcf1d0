import { describe, expect, it } from 'vitest';
import { graph, id } from '../revision/__fixtures__/graph-fixture.js';
import { planDowngrade, planStamp, planUpgrade } from '../revision/plan.js';
import type { RevisionGraph } from '../revision/revision-graph.js';
import { LedgerMismatchError } from './errors.js';
import { compareLedger, repairCommand } from './ledger-check.js';
import type { HistoryDirection, HistoryEntry } from './ledger.js';

/** History rows for `[revision, direction]` pairs, as the runner and stamp write them. */
function history(rows: readonly (readonly [string, HistoryDirection])[]): HistoryEntry[] {
  return rows.map(([revision, direction], index) => ({
    id: index + 1,
    stream: 'app',
    revision: id(revision),
    direction,
    message: '',
    file: null,
    checksum: null,
    startedAt: '2024-01-01T00:00:00.000Z',
    finishedAt: '2024-01-01T00:00:00.000Z',
    durationMs: 0,
    appliedBy: 'test@host',
    toolVersion: '0.0.0',
  }));
}

/** Plays upgrade/downgrade/stamp moves like the runner does, returning the rows and the history they leave. */
class Ledger {
  rows: readonly string[] = [];
  readonly log: [string, HistoryDirection][] = [];
  constructor(readonly g: RevisionGraph) {}
  up(...targets: string[]): this {
    for (const step of planUpgrade(this.g, this.rows, targets.map(id))) this.#step(step.revision.id, 'up', step.headsAfter);
    return this;
  }
  down(...targets: string[]): this {
    for (const step of planDowngrade(this.g, this.rows, targets.map(id))) this.#step(step.revision.id, 'down', step.headsAfter);
    return this;
  }
  stamp(...targets: string[]): this {
    const plan = planStamp(this.g, this.rows, targets.map(id));
    for (const r of plan.unmarked) this.log.push([r, 'unstamp']);
    for (const r of plan.marked) this.log.push([r, 'stamp']);
    this.rows = plan.heads;
    return this;
  }
  check(): ReturnType<typeof compareLedger> {
    return compareLedger(this.g, this.rows, history(this.log));
  }
  #step(revision: string, direction: HistoryDirection, after: readonly string[]): void {
    this.log.push([revision, direction]);
    this.rows = after;
  }
}

describe('compareLedger', () => {
  // a <- b <- m, a <- c <- m (diamond); d <- a depends on c; e is a second base.
  const g = graph('a', 'b<-a', 'c<-a', 'm<-b,c', 'd<-a dep:c', 'e');

  it('legitimate upgrades, downgrades, stamps, merges, unmerges and dependsOn always agree', () => {
    const ledger = new Ledger(g);
    const moves: ((l: Ledger) => Ledger)[] = [
      (l) => l.up('b'),
      (l) => l.up('m'),
      (l) => l.down('a'),
      (l) => l.up('d'),
      (l) => l.up('m', 'e'),
      (l) => l.down('c'),
      (l) => l.stamp('m'),
      (l) => l.stamp('b'),
      (l) => l.down(),
      (l) => l.stamp('d', 'e'),
      (l) => l.up('m'),
    ];
    for (const move of moves) expect(move(ledger).check()).toBeUndefined();
  });

  it('a deleted version row: the history still has the revisions; the repair stamps its heads', () => {
    const found = compareLedger(g, [], history([['a', 'up'], ['b', 'up']]));
    expect(found).toMatchObject({ notInVersions: [id('a'), id('b')], notInHistory: [], extraRows: [], repairTargets: [id('b')] });
    expect(repairCommand(found!)).toBe(`strata stamp ${id('b')}`);
  });

  it('an emptied history: every row and ancestor is missing from it', () => {
    expect(compareLedger(g, [id('m')], [])).toMatchObject({ notInHistory: [id('a'), id('b'), id('c'), id('m')], repairTargets: [id('m')] });
  });

  it('an extra ancestor row is named; the repair keeps the real heads', () => {
    const found = compareLedger(g, [id('a'), id('b')], history([['a', 'up'], ['b', 'up']]));
    expect(found).toMatchObject({ extraRows: [id('a')], notInHistory: [], notInVersions: [], repairTargets: [id('b')] });
  });

  it('history naming a revision no file has; base when nothing known is applied', () => {
    const found = compareLedger(g, [], history([['gone', 'up']]));
    expect(found).toMatchObject({ unknownInHistory: [id('gone')], repairTargets: [] });
    expect(repairCommand(found!)).toBe('strata stamp base');
    expect(new LedgerMismatchError('app', found!).message).toContain(`records ${id('gone')} as applied, but no revision file has this id`);
  });

  it('leaves unknown version rows to the planner (REVISION_UNKNOWN_CURRENT)', () => {
    expect(compareLedger(g, [id('zzzz')], [])).toBeUndefined();
  });
});
