import { needsSmallNumbersCaution, planYearName, planYearPeriod, type GroupFigures, type Quartiles, type Rate } from '../../domain/body-statistics.ts';
import { formatLondonDate, formatLondonDateTime } from '../../domain/london-time.ts';
import { complianceStatuses, remedyKinds } from '../../domain/vocabulary.ts';
import { councilPaths, type CouncilPage } from '../../services/body-statistics.ts';
import { rateTrendSvg } from './council-trend-chart.ts';

/**
 * The council page's figures in words, for the template: percentages with the counts behind
 * them, the small-numbers caution, "no investigations" instead of a rate over nothing.
 */

export interface FigureCell {
  text: string;
  /** "2 of 3 investigations" */
  detail?: string;
  /** Over fewer than 10 cases. */
  caution?: boolean;
}

// Made once: toLocaleString with options builds a new Intl.NumberFormat on every call, which was
// a sixth of the server's time under load on a council page (thousands of numbers a page).
const wholeFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimalFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const whole = (n: number) => wholeFormat.format(n);
const oneDecimal = (n: number) => oneDecimalFormat.format(n);
export const percent = (value: number) => `${whole(value * 100)}%`;

/** A rate: "67%" with "2 of 3 investigations", or the words for nothing to divide by. */
export function rateCell(r: Rate, of: string, none: string): FigureCell {
  if (r.value === null) return { text: none };
  return { text: percent(r.value), detail: `${whole(r.numerator)} of ${whole(r.denominator)} ${of}`, caution: needsSmallNumbersCaution(r) };
}

const countCell = (n: number): FigureCell => ({ text: whole(n) });
const averageCell = (n: number | null, bodies: number): FigureCell =>
  n === null ? { text: 'None' } : { text: oneDecimal(n), detail: `average of ${whole(bodies)} ${bodies === 1 ? 'council' : 'councils'}` };
const perResidentsCell = (n: number | null): FigureCell => (n === null ? { text: 'Population not known' } : { text: oneDecimal(n) });

export function daysText(days: number): string {
  return `${oneDecimal(days).replace(/\.0$/, '')} ${days === 1 ? 'day' : 'days'}`;
}

export interface MeasureRow {
  label: string;
  hint: string;
  council: FigureCell;
  similar: FigureCell | null;
  england: FigureCell;
}

function measureRows(page: CouncilPage): MeasureRow[] {
  const f = page.figures;
  const similar = page.similar_bodies?.figures ?? null;
  const england = page.england;
  const group = (pick: (g: GroupFigures) => FigureCell) => ({ similar: similar ? pick(similar) : null, england: pick(england) });
  return [
    {
      label: 'Complaints and enquiries received',
      hint: 'Cases we received about the council in the year.',
      council: countCell(f.received),
      ...group((g) => averageCell(g.average_received, g.bodies)),
    },
    {
      label: 'Received per 10,000 residents',
      hint: 'Complaints and enquiries received for every 10,000 people living in the area.',
      council: perResidentsCell(page.received_per_10000_residents),
      ...group((g) => perResidentsCell(g.received_per_10000_residents)),
    },
    {
      label: 'Decisions made',
      hint: 'Cases we closed in the year, whatever the outcome.',
      council: countCell(f.decisions),
      ...group((g) => averageCell(g.average_decisions, g.bodies)),
    },
    {
      label: 'Detailed investigations',
      hint: 'Decisions after a detailed investigation (upheld or not upheld). Cases closed after initial enquiries, referred back, or incomplete or invalid are not investigations.',
      council: countCell(f.investigations),
      ...group((g) => averageCell(g.average_investigations, g.bodies)),
    },
    {
      label: 'Upheld rate',
      hint: 'Of the detailed investigations, the share where we found fault.',
      council: rateCell(f.upheld_rate, 'investigations', 'No investigations'),
      ...group((g) => rateCell(g.upheld_rate, 'investigations', 'No investigations')),
    },
    {
      label: 'Satisfactory remedy already offered by the council',
      hint: 'Of the complaints upheld, the share where the council had already offered a satisfactory remedy before we decided.',
      council: rateCell(f.remedied_by_body, 'upheld complaints', 'No complaints upheld'),
      ...group((g) => rateCell(g.remedied_by_body, 'upheld complaints', 'No complaints upheld')),
    },
    {
      label: 'Compliance with our recommendations',
      hint: 'Of the remedies due in the year that have been settled, the share the council carried out (on time or late). Remedies still within their due date, or not yet settled, are not counted.',
      council: rateCell(f.compliance, 'remedies', 'No remedies due'),
      ...group((g) => rateCell(g.compliance, 'remedies', 'No remedies due')),
    },
  ];
}

function quartileView(q: Quartiles | null) {
  return q === null ? null : { count: whole(q.count), lower: daysText(q.lowerQuartile), median: daysText(q.median), upper: daysText(q.upperQuartile), caution: q.count < 10 };
}

/** A page lists at most this many service improvements, the latest first; the data files have all. */
export const IMPROVEMENTS_SHOWN = 100;

export function councilPageView(page: CouncilPage) {
  const f = page.figures;
  const totalRemedies = Object.values(f.remedies_by_kind).reduce((a, b) => a + b, 0);
  const labels = page.trend.map((y) => y.plan_year_name);
  const trendSeries = [
    { name: page.body.name, values: page.trend.map((y) => y.figures.upheld_rate.value), colour: '#1d70b8' },
    ...(page.similar_bodies ? [{ name: page.similar_bodies.name, values: page.trend.map((y) => y.similar_bodies?.upheld_rate.value ?? null), colour: '#f47738', dashed: true }] : []),
    { name: 'England', values: page.trend.map((y) => y.england?.upheld_rate.value ?? null), colour: '#505a5f', dashed: true },
  ];
  const rows = measureRows(page);
  return {
    title: `${page.body.name}: complaints statistics ${page.plan_year_name}`,
    page,
    periodText: `1 April ${page.from.slice(0, 4)} to 31 March ${page.to.slice(0, 4)}`,
    computedAt: formatLondonDateTime(new Date(page.computed_at)),
    yearOptions: page.plan_years.map((year) => ({
      value: String(year),
      text: `${planYearName(year)} (1 April ${year} to 31 March ${year + 1})${year === page.latest_complete_plan_year ? ', latest complete year' : ''}`,
      selected: year === page.plan_year,
    })),
    measures: rows,
    anyCaution: rows.some((r) => r.council.caution || r.similar?.caution || r.england.caution),
    timeToDecision: [
      { name: page.body.name, q: quartileView(f.time_to_decision) },
      ...(page.similar_bodies ? [{ name: page.similar_bodies.name, q: quartileView(page.similar_bodies.figures.time_to_decision) }] : []),
      { name: 'All councils in England', q: quartileView(page.england.time_to_decision) },
    ],
    remediesByKind: remedyKinds.values.map((kind) => ({ kind, label: remedyKinds.label(kind), count: whole(f.remedies_by_kind[kind]) })),
    totalRemedies: whole(totalRemedies),
    improvementsTotal: page.service_improvements.length,
    improvementsShown: Math.min(page.service_improvements.length, IMPROVEMENTS_SHOWN),
    improvements: [...page.service_improvements].reverse().slice(0, IMPROVEMENTS_SHOWN).map((i) => ({
      kind: remedyKinds.label(i.kind),
      description: i.description,
      decidedOn: formatLondonDate(i.decidedOn),
      dueOn: formatLondonDate(i.dueOn),
      status: complianceStatuses.label(i.status),
    })),
    trend: {
      svg: rateTrendSvg(labels, trendSeries, { title: `Upheld rate by plan year: ${page.body.name}${page.similar_bodies ? `, ${page.similar_bodies.name.toLowerCase()}` : ''} and England`, id: 'upheld-trend' }),
      rows: page.trend.map((y) => ({
        year: y.plan_year_name + (y.year_complete ? '' : ' (so far)'),
        received: whole(y.figures.received),
        decisions: whole(y.figures.decisions),
        investigations: whole(y.figures.investigations),
        upheld: rateCell(y.figures.upheld_rate, 'investigations', 'No investigations'),
        compliance: rateCell(y.figures.compliance, 'remedies', 'No remedies due'),
        england: y.england ? rateCell(y.england.upheld_rate, 'investigations', 'No investigations') : { text: 'No figure' },
        link: councilPaths.page(page.body.code, y.plan_year),
        current: y.plan_year === page.plan_year,
      })),
    },
    links: {
      json: councilPaths.json(page.body.code, page.plan_year),
      improvementsCsv: `/open-data/${page.plan_year}/service-improvements.csv`,
      watchList: page.watch_list_url,
      annualLetter: page.annual_letter_url,
    },
    yearEnds: formatLondonDate(planYearPeriod(page.plan_year).to),
  };
}
