import { describe, expect, it } from 'vitest';
import { isParenthesized, mentionsColumn, renameIdentifier, renameQualifier, unwrapParentheses } from './expression-identifiers.js';

describe('mentionsColumn', () => {
  it('finds bare words case-insensitively and quoted names exactly', () => {
    expect(mentionsColumn('Price > 0', 'price')).toBe(true);
    expect(mentionsColumn('"Price" > 0', 'Price')).toBe(true);
    expect(mentionsColumn('"Price" > 0', 'price')).toBe(false);
    expect(mentionsColumn('`total` >= 0', 'total')).toBe(true);
  });

  it('skips string literals (doubled quotes included), numbers and function names', () => {
    expect(mentionsColumn("status <> 'price''s'", 'price')).toBe(false);
    expect(mentionsColumn('lower(email) = 1e10', 'lower')).toBe(false);
    expect(mentionsColumn('amount > 1e10', 'e10')).toBe(false);
    expect(mentionsColumn(undefined, 'price')).toBe(false);
  });

  it('reads a quoted name with a doubled quote inside', () => {
    expect(mentionsColumn('"say ""hi""" IS NOT NULL', 'say "hi"')).toBe(true);
  });
});

describe('renameIdentifier and renameQualifier', () => {
  it('renames each reference, keeping its quoting, and leaves literals alone', () => {
    expect(renameIdentifier(`price > 0 AND "price" < 10 AND note <> 'price'`, 'price', 'amount')).toBe(`amount > 0 AND "amount" < 10 AND note <> 'price'`);
    expect(renameIdentifier('`a``b` > 0', 'a`b', 'c`d')).toBe('`c``d` > 0');
  });

  it('renames a table only where it qualifies a column', () => {
    expect(renameQualifier('"users"."age" > users', 'users', 'people')).toBe('"people"."age" > users');
  });
});

describe('isParenthesized / unwrapParentheses', () => {
  it('tells one group from several', () => {
    expect(isParenthesized('(a + b)')).toBe(true);
    expect(isParenthesized('((a))')).toBe(true);
    expect(isParenthesized('(a) + (b)')).toBe(false);
    expect(isParenthesized('a + (b)')).toBe(false);
  });

  it('ignores parentheses inside string literals and quoted identifiers', () => {
    expect(isParenthesized("(name || ')')")).toBe(true);
    expect(isParenthesized("('(' || name)")).toBe(true);
    expect(isParenthesized('("a)b" + 1)')).toBe(true);
    expect(isParenthesized('(`x)` * 2)')).toBe(true);
    expect(isParenthesized("(name) || ('it''s)')")).toBe(false);
  });

  it('unwraps every pair that wraps the whole expression, and no other', () => {
    expect(unwrapParentheses(' ((lower(name))) ')).toBe('lower(name)');
    expect(unwrapParentheses("(lower(name) || ')')")).toBe("lower(name) || ')'");
    expect(unwrapParentheses('(a) + (b)')).toBe('(a) + (b)');
  });
});
