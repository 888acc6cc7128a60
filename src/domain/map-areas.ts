import {
  bandOf, bandsFor, cautionText, formatMeasure, measureValue, needsCaution,
  type Band, type MapFigures, type MapMeasure, type MapTier, type MapValue,
} from './map-measures.ts';

/** A council as the map sees it. */
export interface MapCouncilInput {
  code: string;
  name: string;
  councilType: string | null;
  countyCode: string | null;
  population: number | null;
  hasBoundary: boolean;
}

export interface MapEntry {
  code: string;
  name: string;
  councilType: string | null;
  /**
   * The boundaries the council is drawn from: its own, or for a county its districts'. Empty when
   * it has none, so it is in the table but not on the map.
   */
  boundaryCodes: string[];
  value: MapValue;
  /** Index into the bands; null for no value. */
  band: number | null;
  caution: boolean;
  /** "56% (45 of 80)", "No investigations". */
  valueText: string;
  /** "Fewer than 10 investigations: treat with caution", when it applies. */
  cautionText: string | undefined;
}

export interface MapModel {
  entries: MapEntry[];
  bands: Band[];
  /** How many entries fall in each band, in band order. */
  bandCounts: number[];
  noData: number;
  cautioned: number;
}

/**
 * The councils of a tier with their values for the measure, in name order.
 * - lower: every council but counties (districts, unitary councils, metropolitan and London boroughs),
 *   which between them cover England once;
 * - upper: counties, drawn as the union of their districts and valued by their own figures, and the
 *   councils that are not a county's district (a district whose county is unknown stands for itself).
 * Counties without any district boundary, and councils without a boundary, are listed with no shape.
 */
export function mapModel(
  councils: readonly MapCouncilInput[],
  figuresByCode: ReadonlyMap<string, MapFigures>,
  measure: MapMeasure,
  tier: MapTier,
): MapModel {
  const counties = new Set(councils.filter((c) => c.councilType === 'county').map((c) => c.code));
  const districtsOf = new Map<string, string[]>();
  for (const c of councils) {
    if (c.councilType === 'county' || !c.countyCode || !counties.has(c.countyCode) || !c.hasBoundary) continue;
    districtsOf.set(c.countyCode, [...(districtsOf.get(c.countyCode) ?? []), c.code]);
  }
  const shown = councils.filter((c) => {
    if (c.councilType === 'county') return tier === 'upper';
    if (tier === 'lower') return true;
    return !(c.countyCode && counties.has(c.countyCode));
  });
  const values = shown.map((c) => measureValue(measure, figuresByCode.get(c.code), c.population));
  const bands = bandsFor(measure, values.map((v) => v.value));
  const bandCounts = bands.map(() => 0);
  let noData = 0;
  let cautioned = 0;
  const entries = shown.map((c, i): MapEntry => {
    const value = values[i] as MapValue;
    const band = bandOf(bands, value.value);
    const caution = needsCaution(value);
    if (band === null) noData++;
    else bandCounts[band] = (bandCounts[band] ?? 0) + 1;
    if (caution) cautioned++;
    const boundaryCodes = c.councilType === 'county' ? [...(districtsOf.get(c.code) ?? [])].sort() : c.hasBoundary ? [c.code] : [];
    return {
      code: c.code, name: c.name, councilType: c.councilType, boundaryCodes, value, band, caution,
      valueText: formatMeasure(measure, value), cautionText: cautionText(measure, value),
    };
  });
  entries.sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.code.localeCompare(b.code));
  return { entries, bands, bandCounts, noData, cautioned };
}
