import { geoTransverseMercator } from 'd3-geo';
import { BAND_COLOURS, HATCH_COLOURS } from '../../domain/map-measures.ts';
import { outlineOf, pathData, simplifyTogether, type PlanePoint, type PlaneRing, type PlaneShape } from '../../domain/map-geometry.ts';

/** A council's boundary as stored: GeoJSON Polygon or MultiPolygon in WGS84 longitude/latitude. */
export interface MapBoundary {
  code: string;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PreparedMap {
  width: number;
  height: number;
  /** Whether there is a boundary for this code. */
  has(code: string): boolean;
  /**
   * Path data for one area drawn from one or more boundaries: `fill` to paint it, and for an area
   * of several boundaries (a county from its districts) `outline`, its edge without the borders inside it.
   */
  areaPaths(codes: readonly string[]): AreaPaths;
  /** The enlarged inset (London), when asked for and found: where it sits, and what it covers on the main map. */
  inset: (Box & { label: string; covers: Box; has(code: string): boolean; areaPaths(codes: readonly string[]): AreaPaths }) | null;
}

export interface AreaPaths {
  fill: string;
  outline: string | null;
}

export interface PrepareMapOptions {
  /** Width of the drawing in grid steps; the height follows from England's shape. */
  width?: number;
  /** Points making a triangle smaller than this (in square grid steps) with their neighbours are dropped. */
  minArea?: number;
  /**
   * Boundaries also drawn enlarged in a box of their own in the top right corner (the North Sea),
   * where the main map has room: London's boroughs are too small to pick out at the scale of England.
   */
  inset?: { codes: readonly string[]; label: string; width: number };
}

const MARGIN = 4;

/**
 * Projects the boundaries onto a grid once (transverse Mercator centred on 2°W, the meridian of the
 * British National Grid, so England keeps its familiar shape), rounds every point to a whole grid
 * step and simplifies all borders together, so neighbours still meet exactly. The result draws any
 * area cheaply and is meant to be kept for as long as the boundaries do not change.
 */
export function prepareMap(boundaries: readonly MapBoundary[], options: PrepareMapOptions = {}): PreparedMap {
  const width = options.width ?? 800;
  const minArea = options.minArea ?? 1.5;
  const main = projectOnGrid(boundaries, width - 2 * MARGIN, MARGIN, MARGIN, minArea);
  const height = Math.ceil(main.bounds.y + main.bounds.height) + MARGIN;
  let inset: PreparedMap['inset'] = null;
  const insetCodes = new Set(options.inset?.codes ?? []);
  const insetBoundaries = boundaries.filter((b) => insetCodes.has(b.code));
  if (options.inset && insetBoundaries.length > 0) {
    const padding = 8;
    const labelHeight = 18;
    const innerWidth = options.inset.width - 2 * padding;
    const x = width - MARGIN - options.inset.width;
    const drawn = projectOnGrid(insetBoundaries, innerWidth, x + padding, MARGIN + labelHeight + padding, minArea / 4);
    const covers = boundsOf(insetBoundaries.map((b) => main.shapes.get(b.code)).filter((s): s is PlaneShape => s !== undefined));
    inset = {
      x, y: MARGIN, width: options.inset.width, height: Math.ceil(drawn.bounds.height) + labelHeight + 2 * padding,
      label: options.inset.label, covers, has: (code) => drawn.shapes.has(code), areaPaths: drawn.areaPaths,
    };
  }
  return { width, height, has: (code) => main.shapes.has(code), areaPaths: main.areaPaths, inset };
}

/** Boundaries projected to fit `width` grid steps wide with their top left at (left, top), and simplified. */
function projectOnGrid(boundaries: readonly MapBoundary[], width: number, left: number, top: number, minArea: number) {
  const rings = new Map(boundaries.map((b) => [b.code, ringsOf(b.geometry)]));
  const allPoints = [...rings.values()].flat(2) as [number, number][];
  const projection = geoTransverseMercator().rotate([2, 0]);
  if (allPoints.length > 0) projection.fitWidth(width, { type: 'MultiPoint', coordinates: allPoints });
  const projected: PlaneShape[] = [...rings].map(([code, shapeRings]) => ({
    id: code,
    rings: shapeRings.map((ring) =>
      ring.map(([lon, lat]): PlanePoint => {
        const [x, y] = projection([lon, lat]) ?? [0, 0];
        return [Math.round(x + left), Math.round(y + top)];
      }),
    ),
  }));
  const shapes = new Map(simplifyTogether(projected, minArea).map((s) => [s.id, s]));
  const cache = new Map<string, AreaPaths>();
  const areaPaths = (codes: readonly string[]): AreaPaths => {
    const key = codes.join(' ');
    const cached = cache.get(key);
    if (cached) return cached;
    const members = codes.map((code) => shapes.get(code)).filter((s): s is PlaneShape => s !== undefined);
    const paths = {
      fill: pathData(members.flatMap((s) => s.rings as PlaneRing[]), { closed: true }),
      outline: members.length > 1 ? pathData(outlineOf(members), { closed: false }) : null,
    };
    cache.set(key, paths);
    return paths;
  };
  return { shapes, areaPaths, bounds: boundsOf(projected) };
}

function boundsOf(shapes: readonly PlaneShape[]): Box {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const shape of shapes) {
    for (const ring of shape.rings) {
      for (const [x, y] of ring) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return Number.isFinite(x0) ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : { x: 0, y: 0, width: 0, height: 0 };
}

function ringsOf(geometry: MapBoundary['geometry']): [number, number][][] {
  const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates) as [number, number][][][];
  return polygons.flat();
}

/** How an area is painted: a band's colour, hatched when the value stands on few cases, or "no data". */
export interface AreaFill {
  band: number | null;
  caution: boolean;
}

export interface ChoroplethArea {
  /** The boundaries drawn as this area: the council's own, or a county's districts. */
  boundaryCodes: readonly string[];
  href: string;
  /** The link's accessible name, also shown on hover: the council and its value. */
  label: string;
  fill: AreaFill;
}

export interface ChoroplethOptions {
  title: string;
  description: string;
}

export const NO_DATA_FILL = '#f3f2f1';
const BORDER = '#0b0c0c';
const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The fill attribute for an area: a colour, or one of the patterns in mapPatternDefs(). */
export function fillOf(fill: AreaFill): string {
  if (fill.band === null) return 'url(#app-map-no-data)';
  if (fill.caution) return `url(#app-map-caution-${fill.band})`;
  return BAND_COLOURS[fill.band] ?? NO_DATA_FILL;
}

/**
 * The patterns for "no data" (pale grey, cross-hatched) and for each band with a caution (the band's
 * colour with diagonal hatching). `size` is the hatching's spacing in the drawing's units.
 */
export function mapPatternDefs(size = 6): string {
  const hatch = (id: string, background: string, ink: string, cross: boolean) =>
    `<pattern id="${id}" width="${size}" height="${size}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
    `<rect width="${size}" height="${size}" fill="${background}"/>` +
    `<line x1="0" y1="0" x2="0" y2="${size}" stroke="${ink}" stroke-width="${size / 5}"/>` +
    (cross ? `<line x1="0" y1="0" x2="${size}" y2="0" stroke="${ink}" stroke-width="${size / 6}"/>` : '') +
    '</pattern>';
  return [
    hatch('app-map-no-data', NO_DATA_FILL, '#b1b4b6', true),
    ...BAND_COLOURS.map((colour, band) => hatch(`app-map-caution-${band}`, colour, HATCH_COLOURS[band] ?? BORDER, false)),
  ].join('');
}

/**
 * The map as SVG markup, drawn on the server so it needs no JavaScript: each area is a link (named
 * by its <title>) to the council's page. An area also in the inset is a link there; its small
 * copy on the main map still takes a click but is hidden from assistive technology and the
 * keyboard, so nobody meets it twice. The page shows the same values in a table.
 */
export function choroplethSvg(map: PreparedMap, areas: readonly ChoroplethArea[], options: ChoroplethOptions): string {
  const inset = map.inset;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${map.width} ${map.height}" class="app-map__svg" role="group" aria-labelledby="app-map-title app-map-desc">`,
    `<title id="app-map-title">${escapeXml(options.title)}</title>`,
    `<desc id="app-map-desc">${escapeXml(options.description)}</desc>`,
    `<defs>${mapPatternDefs()}</defs>`,
    `<g class="app-map__areas" stroke="${BORDER}" stroke-width=".6" stroke-linejoin="round" fill-rule="evenodd">`,
  ];
  const insetAreas: ChoroplethArea[] = [];
  for (const area of areas) {
    const inInset = inset !== null && area.boundaryCodes.every((code) => inset.has(code));
    if (inInset) insetAreas.push(area);
    parts.push(areaLink(area, map.areaPaths(area.boundaryCodes), inInset));
  }
  parts.push('</g>');
  if (inset) {
    const { covers } = inset;
    parts.push(
      `<rect class="app-map__inset-marker" x="${covers.x - 2}" y="${covers.y - 2}" width="${covers.width + 4}" height="${covers.height + 4}" fill="none" stroke="${BORDER}" stroke-width="1" stroke-dasharray="3 2"/>`,
      `<g class="app-map__inset"><rect x="${inset.x}" y="${inset.y}" width="${inset.width}" height="${inset.height}" fill="#ffffff" stroke="${BORDER}" stroke-width="1"/>`,
      `<text x="${inset.x + 8}" y="${inset.y + 18}" font-size="14" font-weight="700" fill="${BORDER}">${escapeXml(inset.label)}</text>`,
      `<g class="app-map__areas" stroke="${BORDER}" stroke-width=".6" stroke-linejoin="round" fill-rule="evenodd">`,
      ...insetAreas.map((area) => areaLink(area, inset.areaPaths(area.boundaryCodes), false)),
      '</g></g>',
    );
  }
  parts.push('</svg>');
  return parts.join('');
}

function areaLink(area: ChoroplethArea, paths: AreaPaths, hidden: boolean): string {
  if (!paths.fill) return '';
  const paint = fillOf(area.fill);
  const shape = paths.outline === null
    ? `<path class="app-map__edge" d="${paths.fill}" fill="${paint}"/>`
    : `<path d="${paths.fill}" fill="${paint}" stroke="none"/><path class="app-map__edge" d="${paths.outline}" fill="none"/>`;
  const name = hidden ? '' : `<title>${escapeXml(area.label)}</title>`;
  return `<a href="${escapeXml(area.href)}"${hidden ? ' tabindex="-1" aria-hidden="true"' : ''}>${name}${shape}</a>`;
}
