import { describe, expect, it } from 'vitest';
import { mapModel, type MapCouncilInput } from '../../src/domain/map-areas.ts';
import type { MapFigures } from '../../src/domain/map-measures.ts';

// The fictional councils of the demo: a county with two districts, a unitary, a metropolitan and a London borough.
const council = (code: string, name: string, councilType: string, extra: Partial<MapCouncilInput> = {}): MapCouncilInput => ({
  code, name, councilType, countyCode: null, population: 100_000, hasBoundary: councilType !== 'county', ...extra,
});
const councils: MapCouncilInput[] = [
  council('X99000001', 'Exampleshire County Council', 'county', { population: 612_000 }),
  council('X99000002', 'Sampleton District Council', 'district', { countyCode: 'X99000001' }),
  council('X99000003', 'Borough of Mockford Council', 'unitary'),
  council('X99000004', 'Testbury Metropolitan Borough Council', 'metropolitan', { hasBoundary: false }),
  council('X99000005', 'London Borough of Placeholder', 'london-borough'),
  council('X99000006', 'Illustration Vale District Council', 'district', { countyCode: 'X99000001' }),
];
const upheld = (numerator: number, denominator: number): MapFigures => ({
  received: denominator, upheld_rate: { numerator, denominator, value: null }, compliance: { numerator: 0, denominator: 0, value: null },
});
const figures = new Map<string, MapFigures>([
  ['X99000001', upheld(30, 40)], // 75%: band 3
  ['X99000002', upheld(3, 4)], // 75% of 4: band 3, cautioned
  ['X99000003', upheld(5, 10)], // 50%: band 2
]);

describe('mapModel', () => {
  it('shows districts, unitaries and boroughs at the lower tier, in name order', () => {
    const model = mapModel(councils, figures, 'upheld-rate', 'lower');
    expect(model.entries.map((e) => e.code)).toEqual(['X99000003', 'X99000006', 'X99000005', 'X99000002', 'X99000004']);
    const sampleton = model.entries.find((e) => e.code === 'X99000002')!;
    expect(sampleton).toMatchObject({ boundaryCodes: ['X99000002'], band: 3, caution: true, valueText: '75% (3 of 4)', cautionText: 'Fewer than 10 investigations: treat with caution' });
    expect(model.entries.find((e) => e.code === 'X99000003')).toMatchObject({ band: 2, caution: false, valueText: '50% (5 of 10)' });
    expect(model.entries.find((e) => e.code === 'X99000006')).toMatchObject({ band: null, valueText: 'No investigations' });
    // Testbury has no boundary: in the table, not on the map.
    expect(model.entries.find((e) => e.code === 'X99000004')!.boundaryCodes).toEqual([]);
    expect(model.bandCounts).toEqual([0, 0, 1, 1, 0]);
    expect(model.noData).toBe(3);
    expect(model.cautioned).toBe(1);
  });

  it('draws a county at the upper tier from its districts, valued by its own figures', () => {
    const model = mapModel(councils, figures, 'upheld-rate', 'upper');
    expect(model.entries.map((e) => e.code)).toEqual(['X99000003', 'X99000001', 'X99000005', 'X99000004']);
    expect(model.entries.find((e) => e.code === 'X99000001')).toMatchObject({
      boundaryCodes: ['X99000002', 'X99000006'], band: 3, caution: false, valueText: '75% (30 of 40)',
    });
  });

  it('lets a district whose county is unknown stand for itself at the upper tier', () => {
    const orphan = council('X99000007', 'Lonely District Council', 'district', { countyCode: 'X99000099' });
    const model = mapModel([...councils, orphan], figures, 'upheld-rate', 'upper');
    expect(model.entries.find((e) => e.code === 'X99000007')!.boundaryCodes).toEqual(['X99000007']);
  });

  it('works with no figures at all', () => {
    const model = mapModel(councils, new Map(), 'complaints-per-10000', 'lower');
    expect(model.entries.every((e) => e.value.value === 0 && e.band === 0)).toBe(true);
    expect(model.cautioned).toBe(5);
  });

  it('works with no councils at all', () => {
    expect(mapModel([], new Map(), 'compliance', 'upper')).toMatchObject({ entries: [], noData: 0, cautioned: 0 });
  });
});
