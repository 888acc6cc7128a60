import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nameMatcher } from '../../domain/map-names.ts';
import type { Db, UpsertCounts } from '../../data/repositories/bodies.ts';
import { councilsWithOwnBoundary, upsertBoundaries, type BoundaryCandidate, type BoundaryGeometry, type NewBoundary } from '../../data/repositories/boundaries.ts';

export const BOUNDARIES_FILE_NAME = 'england_lad_boundaries_2024.geojson';
/** The ONS Open Geography Portal's feature service for "Local Authority Districts (May 2024) Boundaries UK BUC". */
export const BOUNDARIES_SERVICE_URL =
  'https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services/Local_Authority_Districts_May_2024_Boundaries_UK_BUC/FeatureServer/0/query';
/** The dataset's page, for people who download the file themselves. */
export const BOUNDARIES_DATASET_PAGE = 'https://geoportal.statistics.gov.uk/datasets/ons::local-authority-districts-may-2024-boundaries-uk-buc-2/about';
/** The Open Government Licence asks for this statement wherever the boundaries are shown. */
export const BOUNDARIES_ATTRIBUTION =
  'Source: Office for National Statistics licensed under the Open Government Licence v.3.0. Contains OS data © Crown copyright and database right 2024';

/** The service answers a page of features at a time. */
const PAGE_SIZE = 200;

/** Any failure to obtain usable boundaries; nothing has been written when it is thrown. */
export class BoundariesSourceError extends Error {
  constructor(
    message: string,
    readonly source: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'BoundariesSourceError';
  }
}

export interface BoundaryFeature {
  /** Where the feature is in the file, from 1, for messages. */
  position: number;
  name: string;
  /** The GSS code when the file carries one (the publisher's LAD24CD); the shared copy has names only. */
  code: string | null;
  geometry: BoundaryGeometry;
}

export interface UnmatchedFeature {
  position: number;
  name: string;
  reason: string;
}

export interface ImportBoundariesResult extends UpsertCounts {
  source: string;
  features: number;
  matched: number;
  unmatched: UnmatchedFeature[];
  /** Councils that could have a boundary of their own but got none from this file. */
  councilsWithoutBoundary: BoundaryCandidate[];
  /** How many councils there were to join to: none means the councils have not been imported yet. */
  councilsKnown: number;
}

export interface ImportBoundariesOptions {
  db: Db;
  /** An explicit GeoJSON file; otherwise the reference folder's copy; otherwise the publisher's. */
  file?: string | undefined;
  referenceDir?: string | undefined;
  fetchImpl?: typeof fetch;
  now: Date;
  /** One line of progress at a time (the command writes them to stderr). */
  onProgress?: (message: string) => void;
}

/**
 * Loads council boundaries into body_boundaries, joined to bodies by GSS code when the file has
 * codes and by name otherwise (see src/domain/map-names.ts). Counties get none: they are drawn as
 * the union of their districts. Safe to repeat: an unchanged boundary is left alone.
 */
export async function importBoundaries(options: ImportBoundariesOptions): Promise<ImportBoundariesResult> {
  const progress = options.onProgress ?? (() => undefined);
  const source = chooseSource(options);
  progress(`Reading council boundaries from ${source}`);
  const features = source === BOUNDARIES_SERVICE_URL ? await download(options.fetchImpl ?? fetch, progress) : parseBoundaries(await readSource(source), source);
  if (features.length === 0) throw new BoundariesSourceError(`${source} has no boundaries`, source);
  progress(`Read ${features.length} boundaries; joining them to councils`);

  const councils = await councilsWithOwnBoundary(options.db);
  const byCode = new Map(councils.map((c) => [c.code, c]));
  const matchName = nameMatcher(councils);
  const unmatched: UnmatchedFeature[] = [];
  const chosen = new Map<number, { feature: BoundaryFeature; council: BoundaryCandidate }>();
  for (const feature of features) {
    const byItsCode = feature.code ? byCode.get(feature.code) : undefined;
    const match = byItsCode ? { kind: 'matched' as const, body: byItsCode } : matchName(feature.name);
    if (match.kind === 'unmatched') {
      unmatched.push({ position: feature.position, name: feature.name, reason: match.reason });
      continue;
    }
    const earlier = chosen.get(match.body.id);
    if (earlier) {
      unmatched.push({ position: feature.position, name: feature.name, reason: `${match.body.name} already has the boundary named "${earlier.feature.name}" (feature ${earlier.feature.position})` });
      continue;
    }
    chosen.set(match.body.id, { feature, council: match.body });
  }

  const boundaries: NewBoundary[] = [...chosen.values()].map(({ feature, council }) => ({ bodyId: council.id, geometry: feature.geometry }));
  progress(`Storing ${boundaries.length} boundaries`);
  const counts = options.db.isTransaction
    ? await upsertBoundaries(options.db, boundaries, source, options.now)
    : await options.db.transaction().execute((trx) => upsertBoundaries(trx, boundaries, source, options.now));
  const councilsWithoutBoundary = councils.filter((c) => !chosen.has(c.id));
  return { source, features: features.length, matched: boundaries.length, unmatched, councilsWithoutBoundary, councilsKnown: councils.length, ...counts };
}

function chooseSource(options: ImportBoundariesOptions): string {
  if (options.file) return options.file;
  if (options.referenceDir) {
    const local = join(options.referenceDir, BOUNDARIES_FILE_NAME);
    if (existsSync(local)) return local;
  }
  return BOUNDARIES_SERVICE_URL;
}

async function readSource(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new BoundariesSourceError(`Could not read ${file}: ${messageOf(error)}`, file, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new BoundariesSourceError(`${file} is not GeoJSON: ${messageOf(error)}`, file, { cause: error });
  }
}

/**
 * The features of a GeoJSON FeatureCollection, each a Polygon or MultiPolygon in WGS84 with a
 * name (`name`, or the publisher's `LAD24NM`). Throws for anything else, naming the feature.
 */
export function parseBoundaries(json: unknown, source: string): BoundaryFeature[] {
  const collection = json as { type?: unknown; features?: unknown } | null;
  if (!collection || collection.type !== 'FeatureCollection' || !Array.isArray(collection.features)) {
    throw new BoundariesSourceError(`${source} is not a GeoJSON FeatureCollection`, source);
  }
  return collection.features.map((raw: unknown, index) => {
    const position = index + 1;
    const feature = raw as { properties?: Record<string, unknown> | null; geometry?: { type?: unknown; coordinates?: unknown } | null } | null;
    const properties = feature?.properties ?? {};
    const name = textOf(properties.name) ?? textOf(properties.LAD24NM);
    if (!name) throw new BoundariesSourceError(`Feature ${position} of ${source} has no name (property "name" or "LAD24NM")`, source);
    const code = textOf(properties.code) ?? textOf(properties.LAD24CD) ?? null;
    const geometry = feature?.geometry;
    const type = geometry?.type;
    if (type !== 'Polygon' && type !== 'MultiPolygon') {
      throw new BoundariesSourceError(`Feature ${position} (${name}) of ${source} is a ${String(type ?? 'missing geometry')}, not a Polygon or MultiPolygon`, source);
    }
    const problem = checkCoordinates(type, geometry?.coordinates);
    if (problem) throw new BoundariesSourceError(`Feature ${position} (${name}) of ${source}: ${problem}`, source);
    return { position, name, code, geometry: { type, coordinates: geometry?.coordinates } };
  });
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** Why the coordinates are unusable, or undefined when they are rings of WGS84 positions. */
function checkCoordinates(type: 'Polygon' | 'MultiPolygon', coordinates: unknown): string | undefined {
  const polygons = type === 'Polygon' ? [coordinates] : coordinates;
  if (!Array.isArray(polygons) || polygons.length === 0) return 'has no coordinates';
  for (const polygon of polygons) {
    if (!Array.isArray(polygon) || polygon.length === 0) return 'has a polygon with no rings';
    for (const ring of polygon) {
      if (!Array.isArray(ring) || ring.length < 4) return 'has a ring of fewer than 4 positions';
      for (const position of ring) {
        if (!Array.isArray(position) || typeof position[0] !== 'number' || typeof position[1] !== 'number') return 'has a position that is not a pair of numbers';
        const [lon, lat] = position as [number, number];
        if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
          return `position [${lon}, ${lat}] is not longitude and latitude: the file must be in WGS84 (EPSG:4326), not British National Grid`;
        }
      }
    }
  }
  return undefined;
}

/** The English districts from the publisher's feature service, a page at a time. */
async function download(fetchImpl: typeof fetch, progress: (message: string) => void): Promise<BoundaryFeature[]> {
  const features: BoundaryFeature[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const url = new URL(BOUNDARIES_SERVICE_URL);
    url.search = new URLSearchParams({
      where: "LAD24CD LIKE 'E%'", outFields: 'LAD24CD,LAD24NM', outSR: '4326', f: 'geojson',
      orderByFields: 'LAD24CD', resultOffset: String(offset), resultRecordCount: String(PAGE_SIZE),
    }).toString();
    let json: unknown;
    try {
      const response = await fetchImpl(url, { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`.trim());
      json = await response.json();
    } catch (error) {
      throw new BoundariesSourceError(
        `Could not download the council boundaries from the ONS Open Geography Portal (${messageOf(error)}). ` +
          `Download "Local Authority Districts (May 2024) Boundaries UK BUC" as GeoJSON from ${BOUNDARIES_DATASET_PAGE} ` +
          'and run `npx redress import boundaries FILE`, or set REDRESS_REFERENCE_DIR to a folder holding ' + BOUNDARIES_FILE_NAME + '.',
        BOUNDARIES_SERVICE_URL,
        { cause: error },
      );
    }
    const page = parseBoundaries(json, BOUNDARIES_SERVICE_URL).map((f) => ({ ...f, position: f.position + offset }));
    features.push(...page);
    progress(`Downloaded ${features.length} boundaries`);
    if (page.length < PAGE_SIZE) return features;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
