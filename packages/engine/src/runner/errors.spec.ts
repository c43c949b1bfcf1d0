import { describe, expect, it } from 'vitest';
import { RevisionFailedError } from './errors.js';

describe('RevisionFailedError', () => {
  const result = { stream: 'app', direction: 'up' as const, headsBefore: [], headsAfter: [], steps: [] };

  it('ends the cause with one full stop, whether or not the cause had one (issue 11, #7)', () => {
    for (const cause of [new Error('column devices.settings differs.'), new Error('boom')]) {
      const error = new RevisionFailedError({ stream: 'app', revision: 'abcd1234', file: undefined, direction: 'up', rolledBack: true, cause, result });
      expect(error.message).not.toContain('..');
      expect(error.message).toMatch(/failed: (column devices\.settings differs|boom)\. Its changes and its ledger update were rolled back/);
    }
  });
});
