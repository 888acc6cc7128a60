import { stringify } from 'csv-stringify/sync';
import { perTenThousandResidents, planYearName, planYearPeriod, SMALL_NUMBERS, type GroupFigures, type Quartiles } from '../../domain/body-statistics.ts';
import type { IsoDate } from '../../domain/london-time.ts';
import { notFound } from '../errors.ts';
import { councilTypeName } from './council-page.ts';
import {
  planYearComparisons,
  planYearImprovements,
  planYearTable,
  type BodyYearRow,
  type PublishedImprovementRow,
  type StatisticsDeps,
} from './year-statistics.ts';

/**
 * The open data: each table of the public pages, per plan year, as CSV and JSON, each column
 * with its definition. The definitions below are the data dictionary printed on /open-data, and
 * the same objects produce the files, so the dictionary is exactly what is published.
 */

type Cell = string | number | null;

export interface Column<Row> {
  name: string;
  definition: string;
  value: (row: Row) => Cell;
}

export interface Dataset<Row> {
  id: string;
  title: string;
  description: string;
  columns: Column<Row>[];
  rows: (deps: StatisticsDeps, year: number) => Promise<{ computedAt: Date; rows: Row[] }>;
}

const quartileColumns = <Row>(pick: (row: Row) => Quartiles | null): Column<Row>[] => [
  { name: 'decisions_timed', definition: 'Decisions in the plan year that are timed: every decision except those whose outcome was incomplete-or-invalid.', value: (r) => pick(r)?.count ?? 0 },
  { name: 'lower_quartile_days', definition: 'A quarter of the timed decisions were made within this many calendar days of receipt (linear interpolation between the closest ranks, as PostgreSQL percentile_cont). Empty with no timed decisions.', value: (r) => pick(r)?.lowerQuartile ?? null },
  { name: 'median_days', definition: 'Half of the timed decisions were made within this many calendar days of receipt (as above).', value: (r) => pick(r)?.median ?? null },
  { name: 'upper_quartile_days', definition: 'Three quarters of the timed decisions were made within this many calendar days of receipt (as above).', value: (r) => pick(r)?.upperQuartile ?? null },
];

const bodyColumns: Column<BodyYearRow>[] = [
  { name: 'code', definition: 'The body’s code: for a council, its ONS GSS code (E06 unitary, E07 district, E08 metropolitan, E09 London borough, E10 county).', value: (r) => r.code },
  { name: 'name', definition: 'The body’s name.', value: (r) => r.name },
];

export const bodyStatisticsDataset: Dataset<BodyYearRow> = {
  id: 'body-statistics',
  title: 'Complaints, decisions, upheld rate and compliance by body',
  description: 'One row for every body in jurisdiction. A body’s cases are those about it; a case about two bodies counts for each. Dates are UK (Europe/London) dates; the plan year runs from 1 April to 31 March, both days included. Rates are unrounded, and empty when there is nothing to divide by. A rate over fewer than 10 cases is shown on the council page with a small-numbers caution.',
  columns: [
    ...bodyColumns,
    { name: 'kind', definition: 'council, care-provider, health-body or other.', value: (r) => r.kind },
    { name: 'council_type', definition: 'For a council: county, district, unitary, metropolitan or london-borough. Empty for other bodies. Similar bodies on the council page are the councils of the same type.', value: (r) => r.council_type },
    { name: 'region', definition: 'The English region the body is in; empty when not known.', value: (r) => r.region },
    { name: 'population', definition: 'Residents, from the local authority reference data; empty when not known.', value: (r) => r.population },
    { name: 'received', definition: 'Complaints and enquiries received: cases about the body whose date of receipt is in the plan year.', value: (r) => r.received },
    { name: 'received_per_10000_residents', definition: 'received × 10,000 / population; empty when the population is not known.', value: (r) => perTenThousandResidents(r.received, r.population) },
    { name: 'decisions', definition: 'Decisions made: cases about the body closed in the plan year, whatever the outcome.', value: (r) => r.decisions },
    { name: 'investigations', definition: 'Detailed investigations: decisions whose outcome is upheld-fault-injustice, upheld-fault-no-injustice, upheld-remedied-by-body or not-upheld. Cases closed after initial enquiries, referred back for local resolution, advice given, or incomplete or invalid are not investigations, so they stay out of every rate.', value: (r) => r.investigations },
    { name: 'upheld', definition: 'Investigations whose outcome starts upheld- (we found fault).', value: (r) => r.upheld },
    { name: 'upheld_rate', definition: 'upheld / investigations; empty when there were no investigations.', value: (r) => r.upheld_rate.value },
    { name: 'remedied_by_body', definition: 'Decisions with outcome upheld-remedied-by-body: we found fault but the body had already offered a satisfactory remedy.', value: (r) => r.remedied_by_body.numerator },
    { name: 'remedied_by_body_rate', definition: 'remedied_by_body / upheld; empty when nothing was upheld.', value: (r) => r.remedied_by_body.value },
    { name: 'remedies_settled', definition: 'Remedies of the body’s cases whose due date (the date we recommended) is in the plan year and whose status is not pending: complied on time, complied late, or not complied. A remedy still within its due date, or not yet settled, is not counted.', value: (r) => r.compliance.denominator },
    { name: 'remedies_complied', definition: 'Of remedies_settled, those complied with, on time or late.', value: (r) => r.compliance.numerator },
    { name: 'compliance_rate', definition: 'remedies_complied / remedies_settled; empty when no remedy was settled.', value: (r) => r.compliance.value },
  ],
  rows: (deps, year) => planYearTable(deps, year),
};

export const remediesByKindDataset: Dataset<BodyYearRow> = {
  id: 'remedies-by-kind',
  title: 'Remedies agreed by kind, by body',
  description: 'One row for every body in jurisdiction: the remedies we recommended and the body agreed in the decisions made in the plan year (the decision date is when the final decision was issued; for imported history, the date the case was closed), by kind. What a personal remedy says is never published.',
  columns: [
    ...bodyColumns,
    { name: 'apology', definition: 'Apologies.', value: (r) => r.remedies_by_kind.apology },
    { name: 'financial_payment', definition: 'Financial payments.', value: (r) => r.remedies_by_kind['financial-payment'] },
    { name: 'service_improvement', definition: 'Service improvements (each one’s description is in service-improvements).', value: (r) => r.remedies_by_kind['service-improvement'] },
    { name: 'procedure_review', definition: 'Procedure reviews (published with service improvements).', value: (r) => r.remedies_by_kind['procedure-review'] },
    { name: 'training', definition: 'Staff training (published with service improvements).', value: (r) => r.remedies_by_kind.training },
    { name: 'other', definition: 'Other remedies.', value: (r) => r.remedies_by_kind.other },
    { name: 'total', definition: 'All remedies agreed.', value: (r) => Object.values(r.remedies_by_kind).reduce((a, b) => a + b, 0) },
  ],
  rows: (deps, year) => planYearTable(deps, year),
};

export const timeToDecisionDataset: Dataset<BodyYearRow> = {
  id: 'time-to-decision',
  title: 'Time to decision by body: median and quartiles',
  description: 'One row for every body in jurisdiction: calendar days from the date we received a complaint to the date we decided it (the final decision; for imported history and cases closed at assessment, the date the case was closed), over the decisions made in the plan year.',
  columns: [...bodyColumns, ...quartileColumns<BodyYearRow>((r) => r.time_to_decision)],
  rows: (deps, year) => planYearTable(deps, year),
};

export const serviceImprovementsDataset: Dataset<PublishedImprovementRow> = {
  id: 'service-improvements',
  title: 'Service improvements agreed',
  description: 'One row for every service improvement, procedure review and training a body agreed in the decisions made in the plan year, with what it agreed to do.',
  columns: [
    ...(bodyColumns as unknown as Column<PublishedImprovementRow>[]),
    { name: 'kind', definition: 'service-improvement, procedure-review or training.', value: (r) => r.kind },
    { name: 'description', definition: 'What the body agreed to do, as we recommended it. In CSV, text starting with =, +, - or @ begins with an apostrophe so that spreadsheets do not treat it as a formula.', value: (r) => r.description },
    { name: 'decided_on', definition: 'The date of the decision (YYYY-MM-DD).', value: (r) => r.decidedOn },
    { name: 'due_on', definition: 'The date by which the body was to carry it out (YYYY-MM-DD).', value: (r) => r.dueOn },
    { name: 'status', definition: 'pending, complied-on-time, complied-late or not-complied.', value: (r) => r.status },
  ],
  rows: (deps, year) => planYearImprovements(deps, year),
};

interface ComparisonRow {
  group: string;
  name: string;
  figures: GroupFigures;
}

export const comparisonsDataset: Dataset<ComparisonRow> = {
  id: 'comparisons',
  title: 'Similar councils and England taken together',
  description: 'One row for each type of council and one for all councils in England: the councils’ figures summed, and their rates worked out over all their cases together (not an average of the councils’ rates). A case about two councils counts for each.',
  columns: [
    { name: 'group', definition: 'A council type (county, district, unitary, metropolitan, london-borough) or england (every council).', value: (r) => r.group },
    { name: 'name', definition: 'The group’s name.', value: (r) => r.name },
    { name: 'councils', definition: 'Councils in the group.', value: (r) => r.figures.bodies },
    { name: 'received', definition: 'The councils’ received, summed.', value: (r) => r.figures.received },
    { name: 'average_received', definition: 'received / councils.', value: (r) => r.figures.average_received },
    { name: 'received_per_10000_residents', definition: 'received × 10,000 / population, over the councils whose population is known.', value: (r) => r.figures.received_per_10000_residents },
    { name: 'decisions', definition: 'The councils’ decisions, summed.', value: (r) => r.figures.decisions },
    { name: 'investigations', definition: 'The councils’ investigations, summed.', value: (r) => r.figures.investigations },
    { name: 'upheld', definition: 'The councils’ upheld, summed.', value: (r) => r.figures.upheld },
    { name: 'upheld_rate', definition: 'upheld / investigations; empty with no investigations.', value: (r) => r.figures.upheld_rate.value },
    { name: 'remedied_by_body', definition: 'The councils’ remedied_by_body, summed.', value: (r) => r.figures.remedied_by_body.numerator },
    { name: 'remedied_by_body_rate', definition: 'remedied_by_body / upheld; empty when nothing was upheld.', value: (r) => r.figures.remedied_by_body.value },
    { name: 'remedies_settled', definition: 'The councils’ remedies_settled, summed.', value: (r) => r.figures.compliance.denominator },
    { name: 'remedies_complied', definition: 'The councils’ remedies_complied, summed.', value: (r) => r.figures.compliance.numerator },
    { name: 'compliance_rate', definition: 'remedies_complied / remedies_settled; empty when no remedy was settled.', value: (r) => r.figures.compliance.value },
    ...quartileColumns<ComparisonRow>((r) => r.figures.time_to_decision),
  ],
  rows: async (deps, year) => {
    const comparisons = (await planYearComparisons(deps, [year])).get(year);
    const { computedAt } = await planYearTable(deps, year);
    if (!comparisons) return { computedAt, rows: [] };
    const rows: ComparisonRow[] = Object.entries(comparisons.councilTypes)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, figures]) => ({ group, name: councilTypeName(group) ?? group, figures }));
    rows.push({ group: 'england', name: 'All councils in England', figures: comparisons.england });
    return { computedAt, rows };
  },
};

export const openDataDatasets = [bodyStatisticsDataset, remediesByKindDataset, timeToDecisionDataset, serviceImprovementsDataset, comparisonsDataset] as unknown as readonly Dataset<unknown>[];

export const openDataPaths = {
  index: '/open-data',
  file: (year: number, dataset: string, format: 'csv' | 'json') => `/open-data/${year}/${dataset}.${format}`,
  council: (year: number, code: string) => `/open-data/${year}/councils/${encodeURIComponent(code)}.json`,
};

export interface OpenDataTable {
  dataset: string;
  title: string;
  planYear: number;
  from: IsoDate;
  to: IsoDate;
  computedAt: Date;
  columns: { name: string; definition: string }[];
  records: Cell[][];
}

/** A dataset's rows for a plan year; not-found for a dataset that does not exist. */
export async function openDataTable(deps: StatisticsDeps, datasetId: string, year: number): Promise<OpenDataTable> {
  const dataset = openDataDatasets.find((d) => d.id === datasetId);
  if (!dataset) throw notFound('Data set');
  const { computedAt, rows } = await dataset.rows(deps, year);
  const period = planYearPeriod(year);
  return {
    dataset: dataset.id,
    title: `${dataset.title}, ${planYearName(year)}`,
    planYear: year,
    from: period.from,
    to: period.to,
    computedAt,
    columns: dataset.columns.map((c) => ({ name: c.name, definition: c.definition })),
    records: rows.map((row) => dataset.columns.map((c) => c.value(row))),
  };
}

const FORMULA = /^[=+\-@\t\r]/;

export function openDataCsv(table: OpenDataTable): string {
  const safe = (cell: Cell) => (typeof cell === 'string' && FORMULA.test(cell) ? `'${cell}` : cell);
  return stringify([table.columns.map((c) => c.name), ...table.records.map((record) => record.map(safe))], { cast: { number: (n) => String(n) } });
}

export function openDataJson(table: OpenDataTable) {
  return {
    dataset: table.dataset,
    title: table.title,
    plan_year: table.planYear,
    from: table.from,
    to: table.to,
    computed_at: table.computedAt.toISOString(),
    small_numbers_threshold: SMALL_NUMBERS,
    columns: table.columns,
    rows: table.records.map((record) => Object.fromEntries(table.columns.map((c, i) => [c.name, record[i] ?? null]))),
  };
}
