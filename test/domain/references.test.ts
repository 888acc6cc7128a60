import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatReference, normaliseReference } from '../../src/domain/references.ts';
import { categoryPath, isCategory, parseCategoryPath } from '../../src/domain/categories.ts';

describe('case references', () => {
  it('formats the year of receipt then a six-digit sequence in groups of three', () => {
    expect(formatReference(2017, 4213)).toBe('17 004 213');
    expect(formatReference(2026, 1)).toBe('26 000 001');
    expect(formatReference(2000, 999_999)).toBe('00 999 999');
  });

  it('refuses sequences that cannot be written in six digits', () => {
    expect(() => formatReference(2017, 0)).toThrow(RangeError);
    expect(() => formatReference(2017, 1_000_000)).toThrow(RangeError);
  });

  it('accepts references as people type them and gives back the canonical form', () => {
    expect(normaliseReference('17004213')).toBe('17 004 213');
    expect(normaliseReference(' 17 004213 ')).toBe('17 004 213');
    expect(normaliseReference('17-004-213')).toBeUndefined();
    expect(normaliseReference('1700421')).toBeUndefined();
  });

  it('round-trips every reference', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 999_999 }), (year, sequence) => {
        const reference = formatReference(year, sequence);
        expect(normaliseReference(reference.replace(/ /g, ''))).toBe(reference);
      }),
    );
  });
});

describe('categories', () => {
  it('has two levels and parses the path shown to people', () => {
    expect(isCategory('Housing', 'Homelessness')).toBe(true);
    expect(isCategory('Housing', 'Parking and enforcement')).toBe(false);
    expect(parseCategoryPath(categoryPath('Housing', 'Homelessness'))).toEqual({ category: 'Housing', subcategory: 'Homelessness' });
    expect(parseCategoryPath('Housing')).toBeUndefined();
    expect(parseCategoryPath('a > b > c')).toBeUndefined();
  });
});
