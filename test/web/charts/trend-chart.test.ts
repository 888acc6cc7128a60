import { describe, expect, it } from 'vitest';
import { trendChartSvg } from '../../../src/web/charts/trend-chart.ts';

describe('trend chart', () => {
  const points = [
    { label: 'Apr', value: 0.5 },
    { label: 'May', value: null },
    { label: 'Jun', value: 0.9 },
  ];
  const svg = trendChartSvg(points, { title: 'Calls answered', target: 0.8, format: (v) => `${Math.round(v * 100)}%` });

  it('is an accessible image describing every point, with a gap where there is no data', () => {
    expect(svg).toMatch(/^<svg [^>]*role="img"/);
    expect(svg).toContain('<title id="chart-');
    expect(svg).toContain('Target 80%. Apr: 50%; May: no data; Jun: 90%');
    expect(svg.match(/<circle /g)).toHaveLength(2);
  });

  it('escapes text so a title cannot inject markup', () => {
    const hostile = trendChartSvg(points, { title: '<script>x</script>', target: 1, format: String });
    expect(hostile).not.toContain('<script>');
  });
});
