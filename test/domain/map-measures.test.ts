import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BAND_COLOURS, bandOf, bandsFor, cautionText, formatMeasure, measureValue, needsCaution, niceStep, type MapFigures,
} from '../../src/domain/map-measures.ts';

const figures = (received: number, upheld: [number, number], compliance: [number, number]): MapFigures => ({
  received,
  upheld_rate: { numerator: upheld[0], denominator: upheld[1], value: null },
  compliance: { numerator: compliance[0], denominator: compliance[1], value: null },
});

describe('measureValue', () => {
  it('is the upheld share of investigations, over the investigations', () => {
    // 45 upheld of 80 investigated: 56.25%.
    const value = measureValue('upheld-rate', figures(120, [45, 80], [0, 0]), 100_000);
    expect(value).toEqual({ value: 0.5625, numerator: 45, denominator: 80, cases: 80 });
    expect(formatMeasure('upheld-rate', value)).toBe('56% (45 of 80)');
    expect(needsCaution(value)).toBe(false);
  });

  it('says "No investigations", never 0%, when there were none', () => {
    const value = measureValue('upheld-rate', figures(3, [0, 0], [0, 0]), 100_000);
    expect(value.value).toBeNull();
    expect(formatMeasure('upheld-rate', value)).toBe('No investigations');
    expect(needsCaution(value)).toBe(false);
  });

  it('is the complied share of settled remedies for compliance', () => {
    const value = measureValue('compliance', figures(0, [0, 0], [19, 20]), null);
    expect(value).toEqual({ value: 0.95, numerator: 19, denominator: 20, cases: 20 });
    expect(formatMeasure('compliance', measureValue('compliance', undefined, null))).toBe('No remedies due and settled');
  });

  it('counts complaints for every 10,000 residents when the population is known', () => {
    // 12 complaints, 98,500 residents: 12 / 98,500 x 10,000 = 1.2183...
    const value = measureValue('complaints-per-10000', figures(12, [0, 0], [0, 0]), 98_500);
    expect(value.value).toBeCloseTo(1.2183, 4);
    expect(formatMeasure('complaints-per-10000', value)).toBe('1.22 per 10,000 residents (12 complaints)');
    expect(measureValue('complaints-per-10000', figures(12, [0, 0], [0, 0]), null)).toMatchObject({ value: null, noData: 'Population not known' });
  });

  it('treats a council missing from the figures as having had no cases', () => {
    expect(measureValue('complaints-per-10000', undefined, 50_000)).toMatchObject({ value: 0, cases: 0 });
    expect(measureValue('upheld-rate', undefined, 50_000)).toMatchObject({ value: null, noData: 'No investigations' });
  });

  it('cautions a value over fewer than 10 cases', () => {
    const nine = measureValue('upheld-rate', figures(9, [3, 9], [0, 0]), null);
    const ten = measureValue('upheld-rate', figures(10, [3, 10], [0, 0]), null);
    expect(needsCaution(nine)).toBe(true);
    expect(cautionText('upheld-rate', nine)).toBe('Fewer than 10 investigations: treat with caution');
    expect(needsCaution(ten)).toBe(false);
    expect(cautionText('upheld-rate', ten)).toBeUndefined();
    expect(cautionText('complaints-per-10000', measureValue('complaints-per-10000', figures(4, [0, 0], [0, 0]), 1_000))).toBe('Fewer than 10 complaints: treat with caution');
  });
});

describe('bands', () => {
  it('bands the upheld rate in fixed fifths', () => {
    const bands = bandsFor('upheld-rate', []);
    expect(bands.map((b) => b.label)).toEqual(['Under 20%', '20% to under 40%', '40% to under 60%', '60% to under 80%', '80% or more']);
    expect([0, 0.1999, 0.2, 0.5625, 0.8, 1].map((v) => bandOf(bands, v))).toEqual([0, 0, 1, 2, 4, 4]);
    expect(bandOf(bands, null)).toBeNull();
  });

  it('bands compliance finest near 100%, with 100% a band of its own', () => {
    const bands = bandsFor('compliance', []);
    expect(bands.map((b) => b.label)).toEqual(['Under 80%', '80% to under 90%', '90% to under 95%', '95% to under 100%', '100%']);
    expect([0.5, 0.85, 0.92, 0.95, 0.999, 1].map((v) => bandOf(bands, v))).toEqual([0, 1, 2, 3, 3, 4]);
  });

  it('bands complaints per 10,000 residents in equal round steps up to the largest value', () => {
    // Largest 2.3: a fifth is 0.46, the next round step is 0.5, so 0.5, 1.0, 1.5, 2.0.
    const bands = bandsFor('complaints-per-10000', [0.2, 2.3, null]);
    expect(bands.map((b) => b.label)).toEqual(['Under 0.5', '0.5 to under 1.0', '1.0 to under 1.5', '1.5 to under 2.0', '2.0 or more']);
    expect([0, 0.49, 0.5, 2.3].map((v) => bandOf(bands, v))).toEqual([0, 0, 1, 4]);
  });

  it('has as many colours as bands', () => {
    expect(bandsFor('upheld-rate', [])).toHaveLength(BAND_COLOURS.length);
    expect(bandsFor('complaints-per-10000', [])).toHaveLength(BAND_COLOURS.length);
  });

  it('puts every value of complaints per 10,000 in a band, the largest in one of the top three (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: 1, maxLength: 50 }), (values) => {
        const bands = bandsFor('complaints-per-10000', values);
        for (let i = 1; i < bands.length; i++) expect(bands[i]!.from).toBeGreaterThan(bands[i - 1]!.from);
        const largest = Math.max(...values);
        const band = bandOf(bands, largest);
        expect(band).not.toBeNull();
        // The step is at most twice a fifth of the largest value, so the largest is at least 2.5 steps up.
        if (largest > 0.05) expect(band!).toBeGreaterThanOrEqual(2);
      }),
    );
  });

  it('rounds steps up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.46, 0.5, 1.1, 2.4, 3, 7, 0].map(niceStep)).toEqual([0.5, 0.5, 2, 2.5, 5, 10, 0.01]);
  });
});
