import { SMALL_NUMBERS, type BodyFigures } from './body-statistics.ts';

/**
 * What the map of England shows: one measure for each council, in bands of a colour-blind-safe
 * sequential palette, with "no data" and a small-numbers caution kept apart from the bands.
 */

export const mapMeasures = ['upheld-rate', 'compliance', 'complaints-per-10000'] as const;
export type MapMeasure = (typeof mapMeasures)[number];

/** Lower tier: the councils that cover England once at district level; upper tier: at county level. */
export const mapTiers = ['lower', 'upper'] as const;
export type MapTier = (typeof mapTiers)[number];

export const measureLabels: Readonly<Record<MapMeasure, string>> = {
  'upheld-rate': 'Upheld rate',
  compliance: 'Compliance with our recommendations',
  'complaints-per-10000': 'Complaints per 10,000 residents',
};

export const measureExplanations: Readonly<Record<MapMeasure, string>> = {
  'upheld-rate': 'Of the complaints we investigated in detail and decided in the year, the share we upheld.',
  compliance: 'Of the remedies we recommended that were due in the year and have been settled, the share the council carried out.',
  'complaints-per-10000': 'Complaints and enquiries we received about the council in the year, for every 10,000 people living in its area (2020 population).',
};

export const tierLabels: Readonly<Record<MapTier, string>> = {
  lower: 'Districts, unitary councils and boroughs',
  upper: 'Counties, unitary councils and boroughs',
};

/** The part of a body's figures for the year that the map uses. */
export type MapFigures = Pick<BodyFigures, 'received' | 'upheld_rate' | 'compliance'>;
type RateLike = Pick<BodyFigures['upheld_rate'], 'numerator' | 'denominator'>;

export interface MapValue {
  /** The measure's value: a share from 0 to 1, or complaints per 10,000 residents; null when there is none. */
  value: number | null;
  numerator: number;
  denominator: number;
  /** The cases behind the value; fewer than SMALL_NUMBERS carries a caution. */
  cases: number;
  /** Why there is no value ("No investigations"), when there is none. */
  noData?: string;
}

const NO_FIGURES: MapFigures = { received: 0, upheld_rate: { numerator: 0, denominator: 0, value: null }, compliance: { numerator: 0, denominator: 0, value: null } };

/**
 * A council's value for the measure. A council missing from the year's figures had no cases. The
 * value is worked out here from numerator and denominator, so it never depends on rounding elsewhere.
 */
export function measureValue(measure: MapMeasure, figures: MapFigures | undefined, population: number | null): MapValue {
  const f = figures ?? NO_FIGURES;
  switch (measure) {
    case 'upheld-rate':
      return share(f.upheld_rate, 'No investigations');
    case 'compliance':
      return share(f.compliance, 'No remedies due and settled');
    case 'complaints-per-10000':
      if (population === null || population <= 0) {
        return { value: null, numerator: f.received, denominator: 0, cases: f.received, noData: 'Population not known' };
      }
      return { value: (f.received / population) * 10_000, numerator: f.received, denominator: population, cases: f.received };
  }
}

function share(rate: RateLike, noData: string): MapValue {
  const { numerator, denominator } = rate;
  if (denominator <= 0) return { value: null, numerator, denominator, cases: 0, noData };
  return { value: numerator / denominator, numerator, denominator, cases: denominator };
}

/** True when a value stands on fewer than SMALL_NUMBERS cases (the council pages' rule). */
export function needsCaution(value: MapValue): boolean {
  return value.value !== null && value.cases < SMALL_NUMBERS;
}

export interface Band {
  /** Included. */
  from: number;
  /** Excluded; null for the last band, which has no upper end. */
  to: number | null;
  label: string;
}

/**
 * Viridis, from light to dark: sequential, readable with every common colour-vision deficiency,
 * and each step clearly lighter or darker than the next (also in greyscale).
 */
export const BAND_COLOURS = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'] as const;
/** Hatching drawn over a band's colour, in whichever of black or white stands out on it. */
export const HATCH_COLOURS = ['#0b0c0c', '#0b0c0c', '#0b0c0c', '#ffffff', '#ffffff'] as const;

const percent = (share: number) => `${Math.round(share * 100)}%`;

// Shares are banded at fixed points, so a council's colour means the same from one year to the next.
const SHARE_BANDS: Readonly<Record<'upheld-rate' | 'compliance', readonly number[]>> = {
  'upheld-rate': [0.2, 0.4, 0.6, 0.8],
  // Councils comply with nearly all recommendations, so the bands are finest near 100%.
  compliance: [0.8, 0.9, 0.95, 1],
};

/**
 * The bands for a measure. Shares use fixed bands; complaints per 10,000 residents depend on how
 * many complaints a scheme receives, so their five bands split 0 to a round number just above the
 * largest value shown (1, 2, 2.5 or 5 times a power of ten) into equal steps.
 */
export function bandsFor(measure: MapMeasure, values: readonly (number | null)[]): Band[] {
  if (measure !== 'complaints-per-10000') return shareBands(SHARE_BANDS[measure]);
  const largest = Math.max(0, ...values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const step = niceStep(largest / BAND_COLOURS.length);
  const edges = [1, 2, 3, 4].map((i) => roundTo(step * i));
  const format = (n: number) => formatNumber(n, decimalsOf(step));
  const bands: Band[] = edges.map((edge, i) => {
    const from = i === 0 ? 0 : (edges[i - 1] as number);
    return { from, to: edge, label: i === 0 ? `Under ${format(edge)}` : `${format(from)} to under ${format(edge)}` };
  });
  const last = edges[edges.length - 1] as number;
  bands.push({ from: last, to: null, label: `${format(last)} or more` });
  return bands;
}

function shareBands(edges: readonly number[]): Band[] {
  const bands: Band[] = edges.map((edge, i) => {
    const from = i === 0 ? 0 : (edges[i - 1] as number);
    return { from, to: edge, label: i === 0 ? `Under ${percent(edge)}` : `${percent(from)} to under ${percent(edge)}` };
  });
  const last = edges[edges.length - 1] as number;
  bands.push({ from: last, to: null, label: last >= 1 ? percent(last) : `${percent(last)} or more` });
  return bands;
}

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `atLeast` (0.01 at the least). */
export function niceStep(atLeast: number): number {
  if (!(atLeast > 0.01)) return 0.01;
  const power = 10 ** Math.floor(Math.log10(atLeast));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = roundTo(m * power);
    if (step >= atLeast) return step;
  }
  return roundTo(10 * power);
}

const roundTo = (n: number) => Math.round(n * 1e9) / 1e9;
const decimalsOf = (step: number) => {
  const text = String(step);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
};

/** The band a value falls in (its index), or null for no value. */
export function bandOf(bands: readonly Band[], value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  for (let i = bands.length - 1; i >= 0; i--) {
    if (value >= (bands[i] as Band).from) return i;
  }
  return 0;
}

/** How a value is written in the table, the shape's name and the hover text. */
export function formatMeasure(measure: MapMeasure, value: MapValue): string {
  if (value.value === null) return value.noData ?? 'No data';
  if (measure === 'complaints-per-10000') {
    return `${formatNumber(value.value, 2)} per 10,000 residents (${value.numerator.toLocaleString('en-GB')} ${value.numerator === 1 ? 'complaint' : 'complaints'})`;
  }
  return `${percent(value.value)} (${value.numerator} of ${value.denominator})`;
}

/** The caution a value carries, if any, in words. */
export function cautionText(measure: MapMeasure, value: MapValue): string | undefined {
  if (!needsCaution(value)) return undefined;
  const what = measure === 'upheld-rate' ? 'investigations' : measure === 'compliance' ? 'remedies' : 'complaints';
  return `Fewer than ${SMALL_NUMBERS} ${what}: treat with caution`;
}

function formatNumber(n: number, decimals: number): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
