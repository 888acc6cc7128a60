import type { FastifyInstance, FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { casesAtRisk, missedAndCounted } from '../../data/repositories/service-standards.ts';
import { defaultStandards, planYearLabel, type StandardId } from '../../domain/service-standards.ts';
import { addCalendarDays, formatLondonDate, londonDate, londonMidnight } from '../../domain/london-time.ts';
import { channels } from '../../domain/vocabulary.ts';
import { contactsByMonthAndChannel } from '../../data/repositories/contact-channels.ts';
import { lastMonths, monthlyTrend, parsePeriodQuery, serviceStandardsReport, type ReportLine } from '../../services/service-standards-report.ts';
import { AppError } from '../../services/errors.ts';
import type { AppDeps } from '../app.ts';
import { trendChartSvg } from '../charts/trend-chart.ts';
import { paths } from '../paths.ts';
import { requireStaff } from './guards.ts';

const PAGE = 50;

/** A standard's figure in words: "81.3%", "14.2 seconds", "17.5 working days", "58". */
export function formatFigure(measure: string, value: number | null): string {
  if (value === null) return 'No data';
  if (measure === 'share') return `${(value * 100).toFixed(1)}%`;
  if (measure === 'mean-seconds') return `${value.toFixed(1)} seconds`;
  if (measure === 'mean-working-days') return `${value.toFixed(1)} working days`;
  return value.toLocaleString('en-GB');
}

function formatTarget(line: Pick<ReportLine, 'measure' | 'target' | 'comparison' | 'betterWhen'>): string {
  if (line.comparison === 'improves') return line.betterWhen === 'lower' ? 'Lower than the previous period' : 'Higher than the previous period';
  return `${line.comparison === 'at-least' ? 'At least' : 'At most'} ${formatFigure(line.measure, line.target)}`;
}

const isStandardId = (id: string): id is StandardId => defaultStandards.some((s) => s.id === id);

export function serviceStandardsRoutes(deps: AppDeps) {
  const reportDeps = deps.services;
  return async (app: FastifyInstance) => {
    const periodOf = (query: Record<string, string | undefined>, reply: FastifyReply) => {
      try {
        return { period: parsePeriodQuery(query, deps.services.clock.now()) };
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return { errors: error.fields, reply };
        throw error;
      }
    };

    app.get(paths.staff.serviceStandards, { preHandler: requireStaff }, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const chosen = periodOf(query, reply);
      const today = londonDate(deps.services.clock.now());
      const period = chosen.period ?? parsePeriodQuery({}, today);
      const report = await serviceStandardsReport(reportDeps, period);
      const trendId = query.trend && isStandardId(query.trend) ? query.trend : 'intake.decided-or-allocated-within-20-working-days';
      const trendStandard = report.standards.find((s) => s.id === trendId) ?? report.standards[0];
      const months = lastMonths(today, 12);
      const trend = trendStandard ? await monthlyTrend(reportDeps, trendStandard.id, months) : [];
      // "Dec", "Jan" with the year under the first month and under each January.
      const points = trend.map((p, i) => {
        const [, month = '', year = ''] = formatLondonDate(p.period.from).split(' ');
        return { label: `${month.slice(0, 3)}${i === 0 || month === 'January' ? `\n${year}` : ''}`, value: p.value };
      });
      const chart = trendStandard
        ? trendChartSvg(points, { title: `${trendStandard.description}, month by month`, target: trendStandard.target, format: (v) => formatFigure(trendStandard.measure, v) })
        : '';
      const channelRows = await contactsByMonthAndChannel(deps.services.db, londonMidnight(months[0]!.from), londonMidnight(addCalendarDays(months.at(-1)!.to, 1)));
      const channelMix = months.map((m) => {
        const month = m.from.slice(0, 7);
        const counts = Object.fromEntries(channels.values.map((c) => [c, channelRows.find((r) => r.month === month && r.channel === c)?.contacts ?? 0]));
        const total = Object.values(counts).reduce((a, b) => a + b, 0);
        return { period: m, counts, total, onlineShare: total ? formatFigure('share', (counts.web ?? 0) / total) : 'No data' };
      });
      return reply.code(chosen.errors ? 400 : 200).render('staff/service-standards.njk', {
        channelMix, channelOptions: channels.options(),
        report, period, errors: chosen.errors, values: query, planYear: planYearLabel(period.from),
        lines: report.standards.map((line) => ({ ...line, figure: formatFigure(line.measure, line.value), targetText: formatTarget(line), previousFigure: line.previous ? formatFigure(line.measure, line.previous.value) : undefined })),
        trendStandard, trend: trend.map((p) => ({ ...p, figure: trendStandard ? formatFigure(trendStandard.measure, p.value) : '' })), chart,
        standards: defaultStandards,
      });
    });

    app.get(paths.staff.standardsAtRisk, { preHandler: requireStaff }, async (_request, reply) => {
      const today = londonDate(deps.services.clock.now());
      const rows = await casesAtRisk(deps.services.db, { today, calendar: deps.services.calendar(), withinWorkingDays: 5 });
      const byOwner = new Map<string, number>();
      for (const row of rows) {
        const key = `${row.team}: ${row.ownerName ?? 'Not allocated'}`;
        byOwner.set(key, (byOwner.get(key) ?? 0) + 1);
      }
      return reply.render('staff/at-risk.njk', { rows, today, groups: [...byOwner].sort((a, b) => b[1] - a[1]).map(([name, count]) => ({ name, count })) });
    });

    app.get(`${paths.staff.serviceStandards}/:id`, { preHandler: requireStaff }, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isStandardId(id)) return reply.callNotFound();
      const query = request.query as Record<string, string | undefined>;
      const chosen = periodOf(query, reply);
      if (!chosen.period) throw new AppError('invalid', Object.values(chosen.errors ?? {})[0] ?? 'Check the dates');
      const csv = query.format === 'csv';
      const page = Math.max(1, Math.trunc(Number(query.page ?? '1')) || 1);
      const records = await missedAndCounted(deps.services.db, {
        standardId: id, period: chosen.period, now: deps.services.clock.now(), calendar: deps.services.calendar(),
        limit: csv ? Number.MAX_SAFE_INTEGER : PAGE, offset: csv ? 0 : (page - 1) * PAGE,
      });
      const standard = defaultStandards.find((s) => s.id === id)!;
      if (csv) {
        const body = stringify(records.rows.map((r) => ({
          id: r.id, kind: r.kind, team: r.team ?? '', owner: r.ownerName ?? '', received: r.received.toISOString(),
          due_at: r.dueAt?.toISOString() ?? '', due_on: r.dueOn ?? '', milestone: r.milestone?.toISOString() ?? '',
          met: r.met === null ? '' : r.met ? 'yes' : 'no', value: r.value ?? '',
        })), { header: true });
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${id}-${chosen.period.from}-to-${chosen.period.to}.csv"`)
          .send(body);
      }
      const pages = Math.max(1, Math.ceil(records.total / PAGE));
      return reply.render('staff/service-standard.njk', { standard, records, period: chosen.period, page, pages, query: `from=${chosen.period.from}&to=${chosen.period.to}` });
    });
  };
}
