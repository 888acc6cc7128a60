import { caseloads, openCasesByAge, openCasesReceivedBetween, queuePageWithTotal, searchCases, type QueueFilter } from '../data/repositories/queues.ts';
import { addCalendarDays, isValidIsoDate, londonDate } from '../domain/london-time.ts';
import { normaliseReference } from '../domain/references.ts';
import type { ServiceDeps } from './deps.ts';

export const queues = {
  assessment: { title: 'Assessment queue', filter: { stages: ['assessment'], team: 'assessment' } },
  allocation: { title: 'Awaiting allocation', filter: { stages: ['awaiting-allocation'], team: 'investigation' } },
  joint: { title: 'Joint working queue', filter: { stages: ['assessment', 'awaiting-allocation', 'investigation', 'draft-decision', 'compliance'], team: 'joint' } },
} satisfies Record<string, { title: string; filter: QueueFilter }>;
export type QueueName = keyof typeof queues;

export const PAGE_SIZE = 25;

/** Encodes a keyset cursor in a query string value: "2018-01-23.1234". */
export function parseCursor(value: unknown): { dueOn: string; id: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4}-\d{2}-\d{2})\.(\d{1,10})$/.exec(value);
  if (!match || !isValidIsoDate(match[1] as string) || (match[1] as string) < '1900' || Number(match[2]) > 2_147_483_647) return undefined;
  return { dueOn: match[1] as string, id: Number(match[2]) };
}

export async function readQueue(deps: ServiceDeps, filter: QueueFilter, after: string | undefined) {
  const cursor = parseCursor(after);
  const { rows, total } = await queuePageWithTotal(deps.db, filter, cursor, PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  const next = rows.length > PAGE_SIZE && last ? `${last.assessment_due_on}.${last.id}` : undefined;
  return { rows: page, total, next, today: londonDate(deps.clock.now()) };
}

export async function myCases(deps: ServiceDeps, ownerId: number, after: string | undefined) {
  return readQueue(deps, { stages: ['investigation', 'draft-decision', 'compliance'], ownerId }, after);
}

export const ageBands = [
  { key: 'under13', label: 'Under 13 weeks', minDays: 0, maxDays: 90 },
  { key: 'from13to26', label: '13 to 26 weeks', minDays: 91, maxDays: 181 },
  { key: 'from26to52', label: '26 to 52 weeks', minDays: 182, maxDays: 363 },
  { key: 'over52', label: 'Over 52 weeks', minDays: 364, maxDays: undefined },
] as const;

export async function teamOverview(deps: ServiceDeps) {
  const today = londonDate(deps.clock.now());
  const [loads, ages] = await Promise.all([caseloads(deps.db), openCasesByAge(deps.db, today)]);
  return { loads, ages, bands: ageBands.map((band) => ({ ...band, count: Number(ages[band.key]) })) };
}

/** The open cases in one age band, oldest first. */
export async function casesInAgeBand(deps: ServiceDeps, key: string) {
  const band = ageBands.find((b) => b.key === key);
  if (!band) return undefined;
  const today = londonDate(deps.clock.now());
  const newest = addCalendarDays(today, -band.minDays);
  const oldest = band.maxDays === undefined ? undefined : addCalendarDays(today, -band.maxDays);
  return { band, rows: await openCasesReceivedBetween(deps.db, oldest, newest, 200) };
}

export async function search(deps: ServiceDeps, query: string) {
  const text = query.trim();
  if (text.length === 0) return [];
  const reference = normaliseReference(text);
  return searchCases(deps.db, reference ? { reference } : { text: text.slice(0, 100) }, 50);
}
