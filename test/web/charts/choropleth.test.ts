import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BAND_COLOURS } from '../../../src/domain/map-measures.ts';
import { nameMatcher } from '../../../src/domain/map-names.ts';
import { fictionalDemoBodies, parseBodiesCsv, BODIES_FILE_NAME } from '../../../src/services/reference-data/bodies-import.ts';
import { BOUNDARIES_FILE_NAME } from '../../../src/services/reference-data/boundaries-import.ts';
import { choroplethSvg, fillOf, prepareMap, type ChoroplethArea, type MapBoundary } from '../../../src/web/charts/choropleth.ts';

const FIXTURE = new URL('../../fixtures/boundaries/fictional-councils.geojson', import.meta.url).pathname;
type Collection = { features: { properties: { name: string }; geometry: MapBoundary['geometry'] }[] };

/** The collection's features with the code of the council each is named after. */
function boundariesOf(collection: Collection, bodies: { code: string; name: string; council_type?: string | null }[]): MapBoundary[] {
  const match = nameMatcher(bodies.filter((b) => b.council_type !== 'county'));
  return collection.features.flatMap((f) => {
    const m = match(f.properties.name);
    return m.kind === 'matched' ? [{ code: m.body.code, geometry: f.geometry }] : [];
  });
}

const boundaries = boundariesOf(JSON.parse(readFileSync(FIXTURE, 'utf8')) as Collection, fictionalDemoBodies());
const area = (codes: string[], label: string, fill: ChoroplethArea['fill']): ChoroplethArea => ({ boundaryCodes: codes, href: `/councils/${codes[0]}?year=2024`, label, fill });
const links = (svg: string) => [...svg.matchAll(/<a href="([^"]+)"([^>]*)>(.*?)<\/a>/g)].map(([, href, attributes, inner]) => ({ href, attributes, inner: inner ?? '' }));

describe('choropleth', () => {
  const map = prepareMap(boundaries, { inset: { codes: ['X99000005'], label: 'London', width: 240 } });

  it('draws each area as one link named by its title, painted by its band', () => {
    const svg = choroplethSvg(map, [
      area(['X99000003'], 'Borough of Mockford Council: 50% (5 of 10)', { band: 2, caution: false }),
      area(['X99000004'], 'Testbury Metropolitan Borough Council: No investigations', { band: null, caution: false }),
      area(['X99000002'], 'Sampleton District Council: 75% (3 of 4)', { band: 3, caution: true }),
    ], { title: 'Upheld rate', description: 'Each council links to its page.' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 ')).toBe(true);
    const drawn = links(svg);
    expect(drawn.map((l) => l.href)).toEqual(['/councils/X99000003?year=2024', '/councils/X99000004?year=2024', '/councils/X99000002?year=2024']);
    expect(drawn[0]!.inner).toMatch(/^<title>Borough of Mockford Council: 50% \(5 of 10\)<\/title><path class="app-map__edge" d="M[^"]+z" fill="#21918c"\/>$/);
    expect(drawn[1]!.inner).toContain('fill="url(#app-map-no-data)"');
    expect(drawn[2]!.inner).toContain('fill="url(#app-map-caution-3)"');
    expect(svg).toContain('<pattern id="app-map-caution-3"');
    expect(svg).toContain('<pattern id="app-map-no-data"');
    expect(svg).toContain('<title id="app-map-title">Upheld rate</title>');
  });

  it('paints the five bands in the palette’s colours, from light to dark', () => {
    expect([0, 1, 2, 3, 4].map((band) => fillOf({ band, caution: false }))).toEqual([...BAND_COLOURS]);
  });

  it('draws a county from its districts, with an outline that leaves out the border between them', () => {
    const svg = choroplethSvg(map, [area(['X99000002', 'X99000006'], 'Exampleshire County Council: 75% (30 of 40)', { band: 3, caution: false })], { title: 't', description: 'd' });
    const [county] = links(svg);
    const paths = [...county!.inner.matchAll(/<path([^>]*)\/>/g)].map((m) => m[1]!);
    expect(paths).toHaveLength(2);
    // The fill covers both districts (two rings), without a stroke of its own...
    expect(paths[0]).toMatch(/d="M[^"]+zM[^"]+z" fill="#3b528b" stroke="none"/);
    // ...and the outline is one open line around both: the shared edge x = -0.5° is not in it.
    expect(paths[1]).toMatch(/^ class="app-map__edge" d="M[^"z]+" fill="none"$/);
    const sampleton = map.areaPaths(['X99000002']).fill;
    const vale = map.areaPaths(['X99000006']).fill;
    expect(map.areaPaths(['X99000002', 'X99000006']).fill).toBe(sampleton + vale);
  });

  it('draws London again, enlarged, and keeps the small copy out of the keyboard and screen readers', () => {
    const svg = choroplethSvg(map, [area(['X99000005'], 'London Borough of Placeholder: 20% (2 of 10)', { band: 1, caution: false })], { title: 't', description: 'd' });
    const copies = links(svg);
    expect(copies).toHaveLength(2);
    expect(copies[0]!.attributes).toBe(' tabindex="-1" aria-hidden="true"');
    expect(copies[0]!.inner).not.toContain('<title>');
    expect(copies[1]!.attributes).toBe('');
    expect(copies[1]!.inner).toContain('<title>London Borough of Placeholder: 20% (2 of 10)</title>');
    expect(svg).toContain('>London</text>');
    expect(map.inset!.areaPaths(['X99000005']).fill).not.toBe(map.areaPaths(['X99000005']).fill);
  });

  it('escapes names and leaves out areas it has no boundary for', () => {
    const svg = choroplethSvg(map, [
      area(['X99000003'], 'Smith & <Jones> "Council"', { band: 0, caution: false }),
      area(['NOWHERE'], 'Nowhere', { band: 0, caution: false }),
    ], { title: 'a & b', description: 'd' });
    expect(svg).toContain('<title>Smith &#38; &#60;Jones&#62; &#34;Council&#34;</title>');
    expect(svg).not.toContain('Nowhere');
    expect(svg).toContain('a &#38; b');
  });

  it('draws nothing but the frame when there are no areas', () => {
    const svg = choroplethSvg(prepareMap([]), [], { title: 't', description: 'd' });
    expect(links(svg)).toEqual([]);
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  const realDir = process.env.REDRESS_REFERENCE_DIR ?? '';
  const haveReal = realDir !== '' && existsSync(join(realDir, BOUNDARIES_FILE_NAME)) && existsSync(join(realDir, BODIES_FILE_NAME));
  it.skipIf(!haveReal)('keeps the map of the 296 real districts under 150 kB (needs REDRESS_REFERENCE_DIR with both reference files)', async () => {
    const { bodies } = await parseBodiesCsv(join(realDir, BODIES_FILE_NAME), { today: '2026-11-26' });
    const real = boundariesOf(JSON.parse(readFileSync(join(realDir, BOUNDARIES_FILE_NAME), 'utf8')) as Collection, bodies);
    expect(real).toHaveLength(296);
    const london = bodies.filter((b) => b.council_type === 'london-borough').map((b) => b.code);
    const realMap = prepareMap(real, { inset: { codes: london, label: 'London', width: 240 } });
    const names = new Map(bodies.map((b) => [b.code, b.name]));
    const svg = choroplethSvg(realMap, real.map((b, i) => area([b.code], `${names.get(b.code)}: 56% (45 of 80)`, { band: i % 5, caution: i % 3 === 0 })), { title: 't', description: 'd' });
    // 296 districts, and London's 33 boroughs twice.
    expect(links(svg)).toHaveLength(296 + 33);
    expect(svg.length).toBeLessThan(150_000);
    console.info(`The map of England's 296 districts is ${(svg.length / 1000).toFixed(1)} kB of SVG`);
  });
});
