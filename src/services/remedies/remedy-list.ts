import { remedyListCounts, remedyListGroups, remedyListRows, type RemedyListFilter, type RemedyListRow, type RemedyListView } from '../../data/repositories/remedies.ts';
import { londonDate, type IsoDate } from '../../domain/london-time.ts';
import { daysOverdue, DUE_SOON_WORKING_DAYS, isPastDelayedDueDate } from '../../domain/remedies.ts';
import type { ServiceDeps } from '../deps.ts';

export const remedyListViews: Record<RemedyListView, string> = {
  overdue: 'Overdue',
  delayed: 'Delayed',
  'due-soon': 'Due soon',
  'no-link-officer': 'No link officer',
};

export function isRemedyListView(value: unknown): value is RemedyListView {
  return typeof value === 'string' && Object.hasOwn(remedyListViews, value);
}

export interface RemedyListQuery {
  view: RemedyListView;
  bodyId?: number | undefined;
  ownerId?: number | 'none' | undefined;
}

export interface RemedyListItem extends RemedyListRow {
  daysOverdue: number;
  delayed: boolean;
  pastDelayedDueDate: boolean;
  noLinkOfficer: boolean;
}

function filterOf(deps: Pick<ServiceDeps, 'clock' | 'calendar'>, query: RemedyListQuery): RemedyListFilter {
  const today = londonDate(deps.clock.now());
  return { ...query, today, dueSoonUntil: deps.calendar().addWorkingDays(today, DUE_SOON_WORKING_DAYS) };
}

function itemOf(row: RemedyListRow, today: IsoDate): RemedyListItem {
  const remedy = { dueOn: row.due_on, status: 'pending', delayedDueOn: row.delayed_due_on };
  return {
    ...row,
    daysOverdue: daysOverdue(remedy, today),
    delayed: row.delayed_at !== null,
    pastDelayedDueDate: isPastDelayedDueDate(remedy, today),
    noLinkOfficer: Number(row.link_officers) === 0,
  };
}

export const REMEDY_LIST_PAGE = 50;

/**
 * One page of outstanding remedies for staff: overdue (delayed ones included), delayed only, due
 * within DUE_SOON_WORKING_DAYS working days, or those no link officer will be reminded about;
 * filtered by body and by the case's caseworker, with the counts behind each filter.
 */
export async function remedyList(deps: ServiceDeps, query: RemedyListQuery, page = 1) {
  const filter = filterOf(deps, query);
  const pageNumber = Math.max(1, Math.trunc(page) || 1);
  const [rows, counts, groups] = await Promise.all([
    remedyListRows(deps.db, filter, { limit: REMEDY_LIST_PAGE, offset: (pageNumber - 1) * REMEDY_LIST_PAGE }),
    remedyListCounts(deps.db, filter),
    remedyListGroups(deps.db, filter),
  ]);
  return {
    today: filter.today,
    dueSoonUntil: filter.dueSoonUntil,
    items: rows.map((row) => itemOf(row, filter.today)),
    counts,
    groups,
    page: pageNumber,
    pages: Math.max(1, Math.ceil(counts[query.view] / REMEDY_LIST_PAGE)),
  };
}

/** Every row of a view (for the CSV download), with the same filters. */
export async function remedyListForExport(deps: ServiceDeps, query: RemedyListQuery): Promise<RemedyListItem[]> {
  const filter = filterOf(deps, query);
  const rows = await remedyListRows(deps.db, filter, { limit: Number.MAX_SAFE_INTEGER, offset: 0 });
  return rows.map((row) => itemOf(row, filter.today));
}
