import type { Command } from 'commander';
import type { WithSystem } from './cli-imports.ts';
import { parsePeriodQuery, serviceStandardsReport, type ReportLine, type ServiceStandardsReport } from './services/service-standards-report.ts';
import { bodyStatistics, checkPeriod, type BodyFigures, type Rate } from './services/body-statistics.ts';

/**
 * `report service-standards --from YYYY-MM-DD --to YYYY-MM-DD [--json]`: the period measured
 * against every configured service standard, as an aligned table or as JSON.
 */
export function registerReportCommands(program: Command, withSystem: WithSystem): void {
  const report = program.command('report').description('reports on casework');
  report
    .command('service-standards')
    .description('measure a period (London dates, both included) against the service standards')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--json', 'print JSON: {from, to, standards: [{id, numerator, denominator, value, target, met}]}')
    .action(async (options: { from: string; to: string; json?: boolean }) => {
      // Checked before the database is opened: a mistyped date costs nothing.
      const period = parsePeriodQuery({ from: options.from, to: options.to }, new Date());
      await withSystem(async (system) => {
        const result = await serviceStandardsReport(system.services, period);
        process.stdout.write(options.json ? `${JSON.stringify(reportJson(result), null, 2)}\n` : reportTable(result));
      });
    });
  report
    .command('body-statistics')
    .description('every body’s received, decisions, investigations, upheld rate, remedied by body and compliance (London dates, both included)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--json', 'print JSON: {from, to, bodies: [{code, received, decisions, investigations, upheld, upheld_rate, remedied_by_body, compliance}]}')
    .action(async (options: { from: string; to: string; json?: boolean }) => {
      const period = { from: options.from, to: options.to };
      // Checked before the database is opened: a mistyped date costs nothing.
      checkPeriod(period);
      await withSystem(async (system) => {
        const bodies = await bodyStatistics(system.services, period);
        process.stdout.write(options.json ? `${JSON.stringify(bodyStatisticsJson(period, bodies), null, 2)}\n` : bodyStatisticsTable(period, bodies));
      });
    });
}

/** Exactly the keys promised to scripts, in this order. */
export function bodyStatisticsJson(period: { from: string; to: string }, bodies: readonly BodyFigures[]) {
  const rateJson = (r: Rate) => ({ numerator: r.numerator, denominator: r.denominator, value: r.value });
  return {
    from: period.from,
    to: period.to,
    bodies: bodies.map((b) => ({
      code: b.code,
      received: b.received,
      decisions: b.decisions,
      investigations: b.investigations,
      upheld: b.upheld,
      upheld_rate: rateJson(b.upheld_rate),
      remedied_by_body: rateJson(b.remedied_by_body),
      compliance: rateJson(b.compliance),
    })),
  };
}

/** A rate as "75.0% (3/4)", or "–" with nothing to divide by. */
export function formatRate(r: Rate): string {
  return r.value === null ? '–' : `${decimal(r.value * 100)}% (${whole(r.numerator)}/${whole(r.denominator)})`;
}

/** An aligned, plain-text table, one body a row; bodies with nothing in the period are left out and counted. */
export function bodyStatisticsTable(period: { from: string; to: string }, bodies: readonly BodyFigures[]): string {
  const header = ['Body', 'Received', 'Decisions', 'Investigations', 'Upheld', 'Upheld rate', 'Remedied by body', 'Compliance'];
  const active = bodies.filter((b) => b.received > 0 || b.decisions > 0 || b.compliance.denominator > 0);
  const rows = active.map((b) => [
    b.code, whole(b.received), whole(b.decisions), whole(b.investigations), whole(b.upheld),
    formatRate(b.upheld_rate), formatRate(b.remedied_by_body), formatRate(b.compliance),
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const render = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd();
  return [
    `Body statistics, ${period.from} to ${period.to}`,
    '',
    render(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(render),
    '',
    `${active.length} bodies with cases or remedies in the period; ${bodies.length - active.length} without. – : nothing to divide by (no investigations, nothing upheld, no remedy settled).`,
    '',
  ].join('\n');
}

type Line = Pick<ReportLine, 'id' | 'description' | 'measure' | 'numerator' | 'denominator' | 'value' | 'target' | 'comparison' | 'met' | 'rag'> &
  Partial<Pick<ReportLine, 'betterWhen' | 'previous'>>;
type Report = Pick<ServiceStandardsReport, 'from' | 'to'> & { standards: readonly Line[] };

/** Exactly the keys promised to scripts, in this order. */
export function reportJson(report: Report) {
  return {
    from: report.from,
    to: report.to,
    standards: report.standards.map((s) => ({
      id: s.id,
      numerator: s.numerator,
      denominator: s.denominator,
      value: s.value,
      target: s.target,
      met: s.met,
    })),
  };
}

const whole = (n: number) => Math.round(n).toLocaleString('en-GB');
const decimal = (n: number, places = 1) => n.toLocaleString('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places });

/** A figure in the standard's own terms: 98.3%, 14.2 s, 11.5 working days, 42. */
export function formatFigure(measure: Line['measure'], value: number | null): string {
  if (value === null) return '–';
  switch (measure) {
    case 'share':
      return `${decimal(value * 100)}%`;
    case 'mean-seconds':
      return `${decimal(value)} s`;
    case 'mean-working-days':
      return `${decimal(value)} working days`;
    default:
      return whole(value);
  }
}

function formatTarget(line: Line): string {
  if (line.comparison === 'improves') {
    const direction = line.betterWhen === 'higher' ? 'higher' : 'lower';
    const previous = line.previous ? formatFigure(line.measure, line.previous.value) : '–';
    const margin = line.target === 0 ? '' : ` by more than ${formatFigure(line.measure, line.target)}`;
    return `${direction} than last period (${previous})${margin}`;
  }
  return `${line.comparison === 'at-least' ? '≥' : '≤'} ${formatFigure(line.measure, line.target)}`;
}

function formatCounts(line: Line): string {
  if (line.numerator === null) return '–';
  switch (line.measure) {
    case 'share':
      return `${whole(line.numerator)} / ${whole(line.denominator ?? 0)}`;
    case 'mean-seconds':
    case 'mean-working-days':
      return `${line.numerator.toLocaleString('en-GB', { maximumFractionDigits: 1 })} / ${whole(line.denominator ?? 0)}`;
    default:
      return '';
  }
}

/** An aligned, plain-text table, one standard a row. */
export function reportTable(report: Report): string {
  const header = ['Standard', 'Result', 'Target', 'Counted', 'Met', 'RAG', 'Description'];
  const rows = report.standards.map((line) => [
    line.id,
    formatFigure(line.measure, line.value),
    formatTarget(line),
    formatCounts(line),
    line.met === null ? 'no data' : line.met ? 'yes' : 'no',
    line.rag,
    line.description,
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  // Figures are right-aligned so their decimal points line up; words are left-aligned.
  const right = new Set([1, 3]);
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.min(w, 40) : w)).join('  ');
  const measured = report.standards.filter((s) => s.met !== null);
  const met = measured.filter((s) => s.met).length;
  return [
    `Service standards, ${report.from} to ${report.to}`,
    '',
    render(header),
    rule,
    ...rows.map(render),
    '',
    `${met} of ${measured.length} standards with data met; ${report.standards.length - measured.length} without data.`,
    '',
  ].join('\n');
}
