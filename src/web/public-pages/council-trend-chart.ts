import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

export interface RateSeries {
  name: string;
  /** One value a label, 0..1; null where there is nothing to show (no investigations). */
  values: (number | null)[];
  dashed?: boolean;
  colour: string;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (value: number) => `${Math.round(value * 100)}%`;

/**
 * Rates year by year (0% to 100%) as SVG markup drawn on the server, one line a series with its
 * name in a legend; an image with a title and description. The page shows the same figures in a
 * table beside it.
 */
export function rateTrendSvg(labels: readonly string[], series: readonly RateSeries[], options: { title: string; id: string }): string {
  const width = 640;
  const height = 260;
  const margin = { top: 36, right: 16, bottom: 32, left: 48 };
  const x = scaleBand<string>().domain(labels as string[]).range([margin.left, width - margin.right]).padding(0.2);
  const y = scaleLinear().domain([0, 1]).range([height - margin.bottom, margin.top]);
  const centre = (label: string) => (x(label) ?? 0) + x.bandwidth() / 2;
  const description = series
    .map((s) => `${s.name}: ${labels.map((label, i) => `${label} ${s.values[i] === null || s.values[i] === undefined ? 'no figure' : percent(s.values[i] as number)}`).join(', ')}`)
    .join('. ');
  const id = escapeXml(options.id);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" class="app-trend-chart">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(description)}</desc>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#b1b4b6" stroke-width="1"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${percent(tick)}</text>`);
  }
  series.forEach((s, index) => {
    const points = labels.map((label, i) => ({ label, value: s.values[i] ?? null }));
    const path = line<{ label: string; value: number | null }>()
      .defined((p) => p.value !== null)
      .x((p) => centre(p.label))
      .y((p) => y(p.value ?? 0))(points) ?? '';
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    parts.push(`<path d="${path}" fill="none" stroke="${s.colour}" stroke-width="3"${dash}/>`);
    for (const p of points) if (p.value !== null) parts.push(`<circle cx="${centre(p.label)}" cy="${y(p.value)}" r="4" fill="${s.colour}"/>`);
    // Legend along the top.
    const lx = margin.left + index * 220;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="14" y2="14" stroke="${s.colour}" stroke-width="3"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="18" font-size="12" fill="#0b0c0c">${escapeXml(s.name)}</text>`);
  });
  for (const label of labels) {
    parts.push(`<text x="${centre(label)}" y="${height - margin.bottom + 18}" text-anchor="middle" font-size="12" fill="#0b0c0c">${escapeXml(label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
