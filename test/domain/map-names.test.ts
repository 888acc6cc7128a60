import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { councilNameKey, DOCUMENTED_ALTERNATIVE_NAMES, nameMatcher } from '../../src/domain/map-names.ts';

describe('councilNameKey', () => {
  // Official names (the bodies table) beside ONS names (the boundary file), as in the real data.
  it.each([
    ['Adur District Council', 'Adur'],
    ['London Borough of Harrow', 'Harrow'],
    ['Royal Borough of Kingston upon Thames', 'Kingston upon Thames'],
    ['City of Bradford Metropolitan District Council', 'Bradford'],
    ['Sefton Metropolitan Borough Council', 'Sefton'],
    ['Durham County Council', 'County Durham'],
    ['City of London Corporation', 'City of London'],
    ['Council of the Isles of Scilly', 'Isles of Scilly'],
    ['Borough Council of Kings Lynn and West Norfolk', "King's Lynn and West Norfolk"],
    ['Telford & Wrekin Council', 'Telford and Wrekin'],
    ['Newcastle-under-Lyme Borough Council', 'Newcastle-under-Lyme'],
    ['St Albans City and District Council', 'St Albans'],
    ['City of Lincoln Council', 'Lincoln'],
    ['Dorset Council', 'Dorset'],
    ['North Somerset  Council', 'North Somerset'],
    ['Bournemouth, Christchurch and Poole Council', 'Bournemouth, Christchurch and Poole'],
  ])('%s and %s share a key', (official, ons) => {
    expect(councilNameKey(official)).toBe(councilNameKey(ons));
  });

  it('joins the names the reference data documents as alternatives', () => {
    expect(councilNameKey('Bristol, City of')).toBe(councilNameKey('Bristol City Council'));
    expect(councilNameKey('Herefordshire, County of')).toBe(councilNameKey('Herefordshire Council'));
    expect(councilNameKey('Kingston upon Hull, City of')).toBe(councilNameKey('Hull City Council'));
    expect(councilNameKey('Newcastle upon Tyne')).toBe(councilNameKey('Newcastle City Council'));
    expect(Object.keys(DOCUMENTED_ALTERNATIVE_NAMES)).toHaveLength(4);
  });

  it('reads an ONS "X, City of" as "City of X" even when it is not listed', () => {
    expect(councilNameKey('Exampleton, City of')).toBe(councilNameKey('Exampleton City Council'));
  });

  it('keeps different councils apart', () => {
    expect(councilNameKey('Kingston upon Thames')).not.toBe(councilNameKey('Kingston upon Hull, City of'));
    expect(councilNameKey('North Somerset Council')).not.toBe(councilNameKey('Somerset Council'));
    expect(councilNameKey('Essex County Council')).not.toBe(councilNameKey('Sussex'));
  });

  it('ignores accents', () => {
    expect(councilNameKey('Brómsgrove District Council')).toBe(councilNameKey('Bromsgrove'));
  });

  it('never gives an empty key for a name made only of kind words', () => {
    expect(councilNameKey('The City Council')).not.toBe('');
  });

  const plainName = fc
    .array(fc.stringMatching(/^[A-Z][a-z]{2,9}$/), { minLength: 1, maxLength: 3 })
    .map((words) => words.join(' '))
    .filter((name) => !/\b(Council|Borough|District|City|County|Metropolitan|Corporation|The|Of|Royal|London)\b/i.test(name));

  it('gives a place the same key whatever kind of council it names (property)', () => {
    fc.assert(
      fc.property(plainName, fc.constantFrom('', ' District Council', ' Borough Council', ' City Council', ' Council', ' Metropolitan Borough Council'), fc.constantFrom('', 'London Borough of ', 'Royal Borough of ', 'City of ', 'Borough of '), (place, suffix, prefix) => {
        expect(councilNameKey(`${prefix}${place}${suffix}`)).toBe(councilNameKey(place));
      }),
    );
  });

  it('ignores case, apostrophes and "&" (property)', () => {
    fc.assert(
      fc.property(plainName, (place) => {
        expect(councilNameKey(place.toUpperCase())).toBe(councilNameKey(place));
        expect(councilNameKey(`${place} & ${place}`)).toBe(councilNameKey(`${place} and ${place}`));
        expect(councilNameKey(`${place}'s`)).toBe(councilNameKey(`${place}s`));
      }),
    );
  });
});

describe('nameMatcher', () => {
  const bodies = [
    { code: 'X1', name: 'Sampleton District Council' },
    { code: 'X2', name: 'London Borough of Placeholder' },
    { code: 'X3', name: 'Twinford Borough Council' },
    { code: 'X4', name: 'Twinford District Council' },
  ];
  const match = nameMatcher(bodies);

  it('finds the one council with the name', () => {
    expect(match('Sampleton')).toEqual({ kind: 'matched', body: bodies[0] });
    expect(match('Placeholder')).toEqual({ kind: 'matched', body: bodies[1] });
  });

  it('matches nothing, and says why, for an unknown or ambiguous name', () => {
    expect(match('Nowhere Heath')).toEqual({ kind: 'unmatched', reason: 'no council of this name' });
    const twins = match('Twinford');
    expect(twins.kind).toBe('unmatched');
    expect(twins.kind === 'unmatched' && twins.reason).toContain('Twinford Borough Council (X3), Twinford District Council (X4)');
  });
});
