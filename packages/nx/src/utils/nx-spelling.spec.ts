import { describe, expect, it } from 'vitest';
import { inNxSpelling, nxSpelling, spellingContextOf } from './nx-spelling';

const billing = spellingContextOf('billing', {
  root: 'apps/billing',
  targets: { migrate: { executor: '@strata/nx:migrate' }, 'db-down': { executor: '@strata/nx:migrate-down' }, lint: {} },
});

describe('nxSpelling: engine hints in the words a person types under Nx (issue 12)', () => {
  it('turns kebab-case flags into the camelCase options nx g and nx run take', () => {
    expect(nxSpelling('pass none of them if these are real drops and adds: add --no-renames.', billing)).toBe(
      'pass none of them if these are real drops and adds: add --noRenames.',
    );
    expect(nxSpelling('For each rename, pass its flag (--rename-table users=people, --rename users.a=b)', billing)).toBe(
      'For each rename, pass its flag (--renameTable users=people, --rename users.a=b)',
    );
    expect(nxSpelling('Run again with --allow-changed, or --lock-timeout=5000.', billing)).toBe('Run again with --allowChanged, or --lockTimeoutMs=5000.');
    expect(nxSpelling('Fix the file, or pass --targets-from-sql "SELECT url FROM tenants" instead of --targets FILE.', billing)).toBe(
      'Fix the file, or pass --tenantsSql "SELECT url FROM tenants" instead of --tenantsFile FILE.',
    );
  });

  it('turns strata commands into the project\'s targets (by their configured names) and generators', () => {
    expect(nxSpelling('Write a merge revision: `strata merge -m "merge heads"`.', billing)).toBe('Write a merge revision: `nx g @strata/nx:merge billing -m "merge heads"`.');
    expect(nxSpelling('`strata merge abc def -m "merge"`', billing)).toBe('`nx g @strata/nx:merge billing --revisions=abc,def -m "merge"`');
    expect(nxSpelling('strata merge aaaa bbbb -m "merge heads"', billing)).toBe('nx g @strata/nx:merge billing --revisions=aaaa,bbbb -m "merge heads"');
    expect(nxSpelling('Run `strata downgrade -1` first.', billing)).toBe('Run `nx run billing:db-down --to=-1` first.');
    expect(nxSpelling('`strata revision --autogenerate --rename-enum-value mood.sad=blue`', billing)).toBe('`nx g @strata/nx:migration billing --renameEnumValue mood.sad=blue`');
    // No target for it: the strata command, run in the project's folder.
    expect(nxSpelling('Look with `strata branches`, then strata check.', billing)).toBe('Look with `npx strata branches --cwd apps/billing`, then npx strata check --cwd apps/billing.');
  });

  it('keeps an engine error\'s code, details and partial result, with message and hint respelled', () => {
    const error = Object.assign(new Error('Stream "billing" has 2 heads.'), {
      code: 'REVISION_MULTIPLE_HEADS',
      hint: 'Merge them: `strata merge -m "merge heads"`.',
      result: { applied: [] },
      toJSON: (): object => ({ code: 'REVISION_MULTIPLE_HEADS', message: 'Stream "billing" has 2 heads.', details: { heads: ['a', 'b'] } }),
    });
    const spelled = inNxSpelling(error, billing) as typeof error;
    expect(spelled.code).toBe('REVISION_MULTIPLE_HEADS');
    expect(spelled.hint).toBe('Merge them: `nx g @strata/nx:merge billing -m "merge heads"`.');
    expect(spelled.toJSON()).toMatchObject({ hint: spelled.hint, details: { heads: ['a', 'b'] } });
    expect(spelled.result).toEqual({ applied: [] });
    const bug = new TypeError('x');
    expect(inNxSpelling(bug, billing)).toBe(bug);
  });
});
