import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SEEN_AT_PRECISION_MS, seenAtAfter } from '../../src/web/seen-at.ts';

describe('when a portal notes a person as last seen', () => {
  it('notes now the first time, and again once the last note is a minute old', () => {
    expect(seenAtAfter(undefined, 1_000)).toBe(1_000);
    expect(seenAtAfter(1_000, 1_000 + SEEN_AT_PRECISION_MS - 1)).toBe(1_000);
    expect(seenAtAfter(1_000, 1_000 + SEEN_AT_PRECISION_MS)).toBe(1_000 + SEEN_AT_PRECISION_MS);
  });

  it('never keeps a note from the future (a clock set back), and is never more than a minute behind', () => {
    expect(seenAtAfter(5_000, 1_000)).toBe(1_000);
    fc.assert(fc.property(fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: undefined }), fc.integer({ min: 0, max: 1e12 }), (seenAt, now) => {
      const noted = seenAtAfter(seenAt, now);
      expect(noted).toBeLessThanOrEqual(now);
      expect(now - noted).toBeLessThan(SEEN_AT_PRECISION_MS);
    }));
  });
});
