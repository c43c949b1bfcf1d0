import { describe, expect, it } from 'vitest';
import { RenameHintFormatError } from './errors.js';
import { parseRenameHints } from './rename-hints.js';

describe('parseRenameHints', () => {
  it('reads each flag\'s form, with schema-qualified tables and dotted enum values', () => {
    expect(parseRenameHints({ columns: ['users.name=full_name'], tables: ['billing.bills=billing.invoices', 'people=users'], enumValues: ['mood.v1.0=v2.0'] })).toEqual({
      columns: { 'users.name': 'full_name' },
      tables: { 'billing.bills': 'billing.invoices', people: 'users' },
      enumValues: { 'mood.v1.0': 'v2.0' },
    });
  });

  it.each([
    ['columns', 'users=x', '--rename takes TABLE.OLD=NEW, not "users=x".', 'Write it as --rename users.name=full_name.'],
    ['tables', 'a=b=c', '--rename-table takes OLD=NEW, not "a=b=c".', 'Write it as --rename-table people=users.'],
    ['enumValues', 'sad=blue', '--rename-enum-value takes TYPE.OLD=NEW, not "sad=blue".', 'Write it as --rename-enum-value mood.sad=blue.'],
  ] as const)('refuses a malformed %s hint, naming it and the expected form', (key, given, message, hint) => {
    let error: unknown;
    try {
      parseRenameHints({ [key]: [given] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(RenameHintFormatError);
    expect(error).toMatchObject({ code: 'AUTOGENERATE_RENAME_HINT_FORMAT', message, hint, details: { given } });
  });
});
