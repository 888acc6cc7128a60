import { findBodyByCode } from '../../data/repositories/bodies.ts';
import { watchListCountsByBody, watchListRows, type WatchListRow } from '../../data/repositories/remedies.ts';
import { addCalendarDays, londonDate, londonMidnight, type IsoDate } from '../../domain/london-time.ts';
import { daysOverdue, isPastDelayedDueDate, publicDescription, watchListWindow } from '../../domain/remedies.ts';
import { remedyKinds } from '../../domain/vocabulary.ts';
import { publishableText, type CasePerson } from '../../domain/anonymisation.ts';
import { notFound } from '../errors.ts';
import { readerOf, type ServiceDeps } from '../deps.ts';

const BODY_CODE = /^[A-Za-z0-9-]{1,32}$/;

/** How many remedies the all-bodies list and feed show: the most recently due. */
export const ALL_BODIES_LATEST = 100;

/** One remedy on the public watch-list: facts only, never the case, the people or a personal remedy's wording. */
export interface WatchListEntry {
  /** Stable for the feed: the remedy's own id says nothing about the case. */
  id: number;
  kind: string;
  kindLabel: string;
  dueOn: IsoDate;
  daysOverdue: number;
  delayed: boolean;
  delayedDueOn: IsoDate | null;
  pastDelayedDueDate: boolean;
  /** A service improvement's wording, published; null for every other kind. */
  improvement: string | null;
  bodyCode: string;
  bodyName: string;
  /** When the entry last changed: the day it fell overdue, or when it became delayed. */
  updatedAt: Date;
}

/** A service improvement's wording without the details of the case's people (anonymisation.ts). */
function publishedImprovement(row: WatchListRow): string | null {
  const wording = publicDescription(row.kind, row.improvement_text);
  if (wording === null) return null;
  const people: CasePerson[] = [
    { role: 'the complainant', fullName: row.complainant_name, email: row.complainant_email, phone: row.complainant_phone, address: row.complainant_address },
    { role: 'the representative', fullName: row.representative_name, email: row.representative_email, phone: row.representative_phone, address: row.representative_address },
  ];
  return publishableText(wording, people);
}

function entryOf(row: WatchListRow, today: IsoDate): WatchListEntry {
  const remedy = { dueOn: row.due_on, status: 'pending', delayedDueOn: row.delayed_due_on };
  const overdueSince = londonMidnight(addCalendarDays(row.due_on, 1));
  return {
    id: row.id,
    kind: row.kind,
    kindLabel: remedyKinds.label(row.kind),
    dueOn: row.due_on,
    daysOverdue: daysOverdue(remedy, today),
    delayed: row.delayed_at !== null,
    delayedDueOn: row.delayed_due_on,
    pastDelayedDueDate: isPastDelayedDueDate(remedy, today),
    improvement: publishedImprovement(row),
    bodyCode: row.body_code,
    bodyName: row.body_name,
    updatedAt: row.delayed_at && row.delayed_at > overdueSince ? row.delayed_at : overdueSince,
  };
}

/** The latest change among the entries (for the feed's date); the start of today when there are none. */
function latestChange(entries: readonly WatchListEntry[], today: IsoDate): Date {
  return entries.reduce((latest, e) => (e.updatedAt > latest ? e.updatedAt : latest), entries.length ? new Date(0) : londonMidnight(today));
}

/** A body's watch-list: its remedies outstanding after their due date, within the window, most recently due first. */
export async function bodyWatchList(deps: ServiceDeps, code: string) {
  const db = readerOf(deps);
  // Codes are short letters and digits (ONS codes like E07000223); anything else names no body.
  const body = BODY_CODE.test(code.trim()) ? await findBodyByCode(db, code.trim().toUpperCase()) : undefined;
  if (!body) throw notFound('Council');
  const today = londonDate(deps.clock.now());
  const window = watchListWindow(today);
  const entries = (await watchListRows(db, { ...window, bodyId: body.id })).map((row) => entryOf(row, today));
  return { body, today, window, entries, delayed: entries.filter((e) => e.delayed).length, updatedAt: latestChange(entries, today) };
}

/** Every body's count, and the most recently due remedies across all bodies. */
export async function allBodiesWatchList(deps: ServiceDeps) {
  const db = readerOf(deps);
  const today = londonDate(deps.clock.now());
  const window = watchListWindow(today);
  const [counts, rows] = await Promise.all([watchListCountsByBody(db, window), watchListRows(db, { ...window, limit: ALL_BODIES_LATEST })]);
  const entries = rows.map((row) => entryOf(row, today));
  return {
    today,
    window,
    bodies: counts,
    total: counts.reduce((sum, b) => sum + Number(b.overdue), 0),
    entries,
    updatedAt: latestChange(entries, today),
  };
}
