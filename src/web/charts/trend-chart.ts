import { scaleBand, scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';

export interface TrendChartPoint {
  label: string;
  value: number | null;
}

export interface TrendChartOptions {
  title: string;
  target: number;
  /** How a value is written on the axis and in the accessible description. */
  format: (value: number) => string;
  width?: number;
  height?: number;
}

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A month-by-month line chart as SVG markup, drawn on the server so it needs no JavaScript.
 * It is an image with a title and description; the page shows the same figures in a table.
 */
export function trendChartSvg(points: readonly TrendChartPoint[], options: TrendChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const margin = { top: 16, right: 16, bottom: 40, left: 56 };
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = Math.max(options.target, ...values, 0) * 1.1 || 1;
  const x = scaleBand<string>().domain(points.map((p) => p.label)).range([margin.left, width - margin.right]).padding(0.2);
  const y = scaleLinear().domain([0, max]).nice().range([height - margin.bottom, margin.top]);
  const centre = (label: string) => (x(label) ?? 0) + x.bandwidth() / 2;
  const path = line<TrendChartPoint>()
    .defined((p) => p.value !== null)
    .x((p) => centre(p.label))
    .y((p) => y(p.value ?? 0))(points as TrendChartPoint[]) ?? '';
  const ticks = y.ticks(4);
  const description = points.map((p) => `${p.label}: ${p.value === null ? 'no data' : options.format(p.value)}`).join('; ');
  const id = `chart-${Math.abs(hash(options.title))}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" class="app-trend-chart">`,
    `<title id="${id}-title">${escapeXml(options.title)}</title>`,
    `<desc id="${id}-desc">${escapeXml(`Target ${options.format(options.target)}. ${description}`)}</desc>`,
    ...ticks.map((t) => `<g><line x1="${margin.left}" x2="${width - margin.right}" y1="${y(t)}" y2="${y(t)}" stroke="#b1b4b6" stroke-width="1"/><text x="${margin.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="12" fill="#0b0c0c">${escapeXml(options.format(t))}</text></g>`),
    `<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(options.target)}" y2="${y(options.target)}" stroke="#d4351c" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text x="${width - margin.right}" y="${y(options.target) - 6}" text-anchor="end" font-size="12" fill="#d4351c">Target ${escapeXml(options.format(options.target))}</text>`,
    `<path d="${path}" fill="none" stroke="#1d70b8" stroke-width="3"/>`,
    ...points.filter((p) => p.value !== null).map((p) => `<circle cx="${centre(p.label)}" cy="${y(p.value as number)}" r="4" fill="#1d70b8"/>`),
    // A label's second line (after a newline) goes under the first, e.g. the year under "Jan".
    ...points.map((p) => {
      const [first, second] = p.label.split('\n');
      const x0 = centre(p.label);
      const year = second ? `<tspan x="${x0}" dy="14">${escapeXml(second)}</tspan>` : '';
      return `<text x="${x0}" y="${height - margin.bottom + 16}" text-anchor="middle" font-size="12" fill="#0b0c0c">${escapeXml(first ?? '')}${year}</text>`;
    }),
    '</svg>',
  ].join('');
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}
