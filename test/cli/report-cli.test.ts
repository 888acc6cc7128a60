import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatFigure, reportJson, reportTable } from '../../src/cli-report.ts';
import { progressReporter, progressText, summary } from '../../src/cli-imports.ts';
import type { ReportLine } from '../../src/services/service-standards-report.ts';

const line = (overrides: Partial<ReportLine> & Pick<ReportLine, 'id' | 'measure'>): ReportLine => ({
  description: 'A standard', unit: '', numerator: null, denominator: null, value: null, target: 0,
  comparison: 'at-least', met: null, rag: 'grey', ...overrides,
});

const report = {
  from: '2017-04-01',
  to: '2018-03-31',
  measuredAt: new Date('2018-04-02T09:00:00Z'),
  standards: [
    line({ id: 'intake.calls-answered', measure: 'share', numerator: 9_832, denominator: 10_000, value: 0.9832, target: 0.98, met: true, rag: 'green', description: 'Answer 98% of calls' }),
    line({ id: 'intake.average-answer-seconds', measure: 'mean-seconds', numerator: 123_456.5, denominator: 10_000, value: 12.34565, target: 20, comparison: 'at-most', met: true, rag: 'green' }),
    line({ id: 'intake.written-contacts-within-24h', measure: 'share', numerator: 0, denominator: 0, value: null, target: 0.99 }),
    line({ id: 'investigation.outstanding-over-52-weeks', measure: 'peak-count', numerator: 61, value: 61, target: 60, comparison: 'at-most', met: false, rag: 'amber' }),
    line({
      id: 'joint.average-working-days-to-allocate', measure: 'mean-working-days', numerator: 310, denominator: 20, value: 15.5, target: 0,
      comparison: 'improves', betterWhen: 'lower', met: true, rag: 'green',
      previous: { period: { from: '2016-04-01', to: '2017-03-31' }, numerator: 340, denominator: 20, value: 17 },
    }),
  ],
} satisfies { standards: ReportLine[] } & Record<string, unknown>;

describe('report service-standards', () => {
  it('prints exactly the promised keys as JSON', () => {
    const json = reportJson(report);
    expect(Object.keys(json)).toEqual(['from', 'to', 'standards']);
    for (const standard of json.standards) expect(Object.keys(standard)).toEqual(['id', 'numerator', 'denominator', 'value', 'target', 'met']);
    expect(json.standards[0]).toEqual({ id: 'intake.calls-answered', numerator: 9_832, denominator: 10_000, value: 0.9832, target: 0.98, met: true });
  });

  it('formats shares as percentages and means in their units', () => {
    expect(formatFigure('share', 0.9832)).toBe('98.3%');
    expect(formatFigure('share', 1)).toBe('100.0%');
    expect(formatFigure('mean-seconds', 12.34565)).toBe('12.3 s');
    expect(formatFigure('mean-working-days', 15.5)).toBe('15.5 working days');
    expect(formatFigure('peak-count', 1234)).toBe('1,234');
    expect(formatFigure('share', null)).toBe('–');
  });

  it('prints an aligned table', () => {
    const lines = reportTable(report).split('\n');
    expect(lines[0]).toBe('Service standards, 2017-04-01 to 2018-03-31');
    const header = lines[2] ?? '';
    const rows = lines.slice(4, 9);
    expect(rows).toHaveLength(5);
    // Every row's Met column starts where the header's does.
    const metAt = header.indexOf('Met');
    for (const row of rows) expect(row.slice(metAt, metAt + 7).trim()).toMatch(/^(yes|no|no data)$/);
    expect(rows[0]).toMatch(/^intake\.calls-answered\s+98\.3%\s+≥ 98\.0%\s+9,832 \/ 10,000\s+yes\s+green\s+Answer 98% of calls$/);
    expect(rows[1]).toContain('12.3 s');
    expect(rows[1]).toContain('≤ 20.0 s');
    expect(rows[2]).toContain('no data');
    expect(rows[4]).toContain('lower than last period (17.0 working days)');
    expect(lines.at(-2)).toBe('3 of 4 standards with data met; 1 without data.');
  });
});

describe('import progress and summary', () => {
  it('reports progress in rows a second and lists the first 20 rejected rows', () => {
    expect(progressText('calls', { rows: 20_000, good: 19_990, bad: 10, written: 19_000 }, 2)).toBe(
      'Importing calls: 20,000 rows read, 19,000 written, 10 rejected; 10,000 rows/s, 0:02 elapsed',
    );
    const rejected = Array.from({ length: 25 }, (_, i) => ({ line: i + 2, reason: 'answered_at is before presented_at' }));
    const text = summary('calls', 'calls.csv', { rows: 100, imported: 70, updated: 3, unchanged: 2, rejected, rejectedCount: 25 }, 2);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('Imported calls from calls.csv in 2.0 s (50 rows/s): 100 rows read; imported 70 new, 3 updated, 2 unchanged; rejected 25.');
    expect(lines[1]).toBe('The first 20 rejected rows:');
    expect(lines.slice(2, 22)).toEqual(rejected.slice(0, 20).map((r) => `  line ${r.line}: ${r.reason}`));
  });

  it('redraws in place on a terminal', () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true });
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString()));
    const reporter = progressReporter('cases', stream);
    reporter.update({ rows: 5, good: 5, bad: 0, written: 5 });
    reporter.stop();
    expect(written).toMatch(/^\rImporting cases: 5 rows read, 5 written, 0 rejected; .* elapsed\n$/);
  });
});
