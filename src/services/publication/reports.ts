import { z } from 'zod';
import type { Transaction } from 'kysely';
import type { Database } from '../../data/schema.ts';
import { appendEvent } from '../../data/repositories/cases.ts';
import {
  casesByReferences,
  findReport,
  insertReport,
  listReports,
  lockReport,
  reportCaseReferences,
  setReportCases,
  updateReport,
  updateReportState,
  type ReportKind,
  type ReportRow,
} from '../../data/repositories/reports.ts';
import { findIdentifiers, type CasePerson, type Identifier } from '../../domain/anonymisation.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import { londonDate } from '../../domain/london-time.ts';
import {
  afterEdit,
  anonymisationProblem,
  availablePublicationActions,
  decidePublication,
  publicationStatus,
  type PublicationAction,
  type PublicationEventKind,
  type PublicationRecord,
} from '../../domain/publication.ts';
import { normaliseReference } from '../../domain/references.ts';
import { forbidden, illegal, invalid, notFound } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import type { ServiceDeps } from '../deps.ts';
import { peopleOfCase } from './decision-publishing.ts';

/**
 * Public interest reports and focus reports: drafted by one person, approved by another,
 * published, and withdrawn if need be, under the same four-eyes rules as decisions. Every saved
 * draft awaits approval; changing an approved or published report clears the approval and takes
 * it off the public site. The check for personal details covers the people of every case the
 * report names.
 */

export const reportKinds = {
  'public-interest': 'Public interest report',
  focus: 'Focus report',
} as const satisfies Record<ReportKind, string>;

export const MAX_REPORT_CASES = 200;

export const reportSchema = z.object({
  kind: z.enum(['public-interest', 'focus'], { message: 'Select the kind of report' }),
  title: z.string().trim().min(1, 'Enter the report’s title').max(200, 'The title must be 200 characters or fewer'),
  summary: z.string().trim().min(1, 'Enter a summary of the report').max(2_000, 'The summary must be 2,000 characters or fewer'),
  body: z.string().trim().min(1, 'Enter the text of the report').max(200_000, 'The report must be 200,000 characters or fewer'),
  bodyId: z.number().int().positive().nullable(),
  /** Case references as typed: one a line, or separated by commas. */
  cases: z.string().max(20_000, 'Enter fewer case references'),
  confirmNotIdentifying: z.boolean(),
});
export type ReportInput = z.input<typeof reportSchema>;

/** Every report's record under the publication rules: a saved report awaits approval. */
function recordOf(report: Pick<ReportRow, 'drafted_by' | 'approved_by' | 'approved_at' | 'published_at'>): PublicationRecord {
  return { draftedBy: report.drafted_by, approvedBy: report.approved_by, approvedAt: report.approved_at, publishedAt: report.published_at, withdrawnAt: null, review: 'submitted' };
}

// Reports have no column for a reason or a sent-back step, so they are changed rather than sent back.
const reportActions = (record: PublicationRecord | undefined, actor: Actor): PublicationAction[] =>
  availablePublicationActions(record, actor).filter((action) => action !== 'send-back' && action !== 'submit');

/** "Council failed to house a family" -> "council-failed-to-house-a-family". */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '');
  return slug || 'report';
}

async function uniqueSlug(trx: Transaction<Database>, title: string, year: string, exceptId?: number): Promise<string> {
  const base = `${slugify(title)}-${year}`;
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    const existing = await trx.selectFrom('reports').select('id').where('slug', '=', candidate).executeTakeFirst();
    if (!existing || existing.id === exceptId) return candidate;
  }
}

/** Reads the typed case references into case ids, or says which were not understood or not found. */
async function readCases(db: ServiceDeps['db'] | Transaction<Database>, typed: string): Promise<{ ids: number[]; references: string[] }> {
  const pieces = typed.split(/[\n,;]+/).map((piece) => piece.trim()).filter(Boolean);
  const unreadable = pieces.filter((piece) => !normaliseReference(piece));
  if (unreadable.length) throw invalid({ cases: `Enter case references like 17 004 213 (not “${unreadable.slice(0, 3).join('”, “')}”)` });
  const references = [...new Set(pieces.map((piece) => normaliseReference(piece) as string))];
  if (references.length > MAX_REPORT_CASES) throw invalid({ cases: `A report can cover up to ${MAX_REPORT_CASES} cases` });
  const found = await casesByReferences(db, references);
  const missing = references.filter((reference) => !found.some((c) => c.reference === reference));
  if (missing.length) throw invalid({ cases: `No case has the reference ${missing.slice(0, 5).join(', ')}` });
  return { ids: found.map((c) => c.id), references };
}

async function peopleOfCases(db: ServiceDeps['db'] | Transaction<Database>, caseIds: readonly number[]): Promise<CasePerson[]> {
  const people: CasePerson[] = [];
  for (const id of caseIds) people.push(...(await peopleOfCase(db, id)));
  return people;
}

export interface ReportCheck {
  title: Identifier[];
  summary: Identifier[];
  body: Identifier[];
  count: number;
}

export function checkReport(people: readonly CasePerson[], text: { title: string; summary: string; body: string }): ReportCheck {
  const title = findIdentifiers(text.title, people);
  const summary = findIdentifiers(text.summary, people);
  const body = findIdentifiers(text.body, people);
  return { title, summary, body, count: title.length + summary.length + body.length };
}

/** The check for a form as typed: the people of the cases it names (ignoring references it cannot read). */
export async function checkTypedReport(deps: ServiceDeps, typed: { title: string; summary: string; body: string; cases: string }): Promise<ReportCheck> {
  const references = typed.cases.split(/[\n,;]+/).map((piece) => normaliseReference(piece.trim())).filter((r): r is string => r !== undefined).slice(0, MAX_REPORT_CASES);
  const found = await casesByReferences(deps.db, references);
  return checkReport(await peopleOfCases(deps.db, found.map((c) => c.id)), typed);
}

async function recordReportEvent(trx: Transaction<Database>, caseIds: readonly number[], kind: PublicationEventKind, at: Date, actor: Actor, report: { id: number; slug: string; kind: string; title: string }) {
  for (const caseId of caseIds) {
    await appendEvent(trx, { caseId, kind, occurredAt: at, actorId: actor.id, facts: { reportId: report.id, slug: report.slug, reportKind: report.kind }, detail: report.title });
  }
}

/**
 * Saves a report (new when `id` is undefined) for approval. The check for personal details
 * must be clear, or the drafter must confirm that what it found identifies no one.
 */
export async function saveReport(deps: ServiceDeps, actor: Actor, id: number | undefined, raw: ReportInput): Promise<{ id: number; changed: boolean }> {
  const input = parseOrThrow(reportSchema, raw);
  return deps.db.transaction().execute(async (trx) => {
    const existing = id === undefined ? undefined : await lockReport(trx, id);
    if (id !== undefined && !existing) throw notFound('Report');
    const record = existing ? recordOf(existing) : undefined;
    const verdict = decidePublication(record, 'edit', actor, 'report');
    if (!verdict.allowed) throw forbidden(verdict.message);
    if (input.bodyId !== null && !(await trx.selectFrom('bodies').select('id').where('id', '=', input.bodyId).executeTakeFirst())) {
      throw invalid({ bodyId: 'Select a council or care provider from the list' });
    }
    const cases = await readCases(trx, input.cases);
    const check = checkReport(await peopleOfCases(trx, cases.ids), input);
    const problem = anonymisationProblem([...check.title, ...check.summary, ...check.body], input.confirmNotIdentifying);
    if (problem) throw invalid({ confirmNotIdentifying: problem });

    const now = deps.clock.now();
    const before = existing ? (await reportCaseReferences(trx, existing.id)).map((c) => c.reference).sort() : [];
    const changed = !existing
      || existing.kind !== input.kind || existing.title !== input.title || existing.summary_text !== input.summary || existing.body_text !== input.body
      || existing.body_id !== input.bodyId || before.join() !== [...cases.references].sort().join();
    if (existing && !changed) return { id: existing.id, changed: false };
    const next = afterEdit(record, actor.id, true, 'submitted');
    const write = {
      kind: input.kind, title: input.title, summary: input.summary, body: input.body, bodyId: input.bodyId,
      draftedBy: next.draftedBy, draftedAt: now, approvedBy: next.approvedBy, approvedAt: next.approvedAt, publishedAt: next.publishedAt,
    };
    let reportId: number;
    if (existing) {
      reportId = existing.id;
      // The address stays put once the report has been public; until then it follows the title.
      const slug = existing.published_at || existing.approved_at ? existing.slug : await uniqueSlug(trx, input.title, londonDate(now).slice(0, 4), existing.id);
      await updateReport(trx, reportId, write);
      if (slug !== existing.slug) await trx.updateTable('reports').set({ slug }).where('id', '=', reportId).execute();
    } else {
      reportId = await insertReport(trx, await uniqueSlug(trx, input.title, londonDate(now).slice(0, 4)), write);
    }
    await setReportCases(trx, reportId, cases.ids);
    return { id: reportId, changed: true };
  });
}

async function withReport<T>(deps: ServiceDeps, id: number, actor: Actor, action: PublicationAction, work: (trx: Transaction<Database>, report: ReportRow, now: Date) => Promise<T>): Promise<T> {
  return deps.db.transaction().execute(async (trx) => {
    const locked = await lockReport(trx, id);
    if (!locked) throw notFound('Report');
    const verdict = decidePublication(recordOf(locked), action, actor, 'report');
    if (!verdict.allowed) throw verdict.reason === 'forbidden' ? forbidden(verdict.message) : illegal(verdict.message);
    return work(trx, (await findReport(trx, id)) as ReportRow, deps.clock.now());
  });
}

export async function approveReport(deps: ServiceDeps, id: number, actor: Actor): Promise<void> {
  await withReport(deps, id, actor, 'approve', (trx, _report, now) => updateReportState(trx, id, { approved_by: actor.id, approved_at: now }));
}

/** Publishes an approved report and notes it on the timeline of each case it covers. */
export async function publishReport(deps: ServiceDeps, id: number, actor: Actor): Promise<string> {
  return withReport(deps, id, actor, 'publish', async (trx, report, now) => {
    await updateReportState(trx, id, { published_at: now });
    const cases = await reportCaseReferences(trx, id);
    await recordReportEvent(trx, cases.map((c) => c.id), 'report-published', now, actor, report);
    return report.slug;
  });
}

/** Takes a report off the public site; it stays approved, so it can be published again. */
export async function withdrawReport(deps: ServiceDeps, id: number, actor: Actor): Promise<void> {
  await withReport(deps, id, actor, 'withdraw', async (trx, report, now) => {
    await updateReportState(trx, id, { published_at: null });
    const cases = await reportCaseReferences(trx, id);
    await recordReportEvent(trx, cases.map((c) => c.id), 'report-withdrawn', now, actor, report);
  });
}

/** A report as staff see it, with the actions this person may take and the check for personal details. */
export async function getReport(deps: ServiceDeps, id: number, actor: Actor) {
  const report = await findReport(deps.db, id);
  if (!report) throw notFound('Report');
  const cases = await reportCaseReferences(deps.db, id);
  const record = recordOf(report);
  const check = checkReport(await peopleOfCases(deps.db, cases.map((c) => c.id)), { title: report.title, summary: report.summary_text, body: report.body_text });
  return { report, cases, status: publicationStatus(record), actions: reportActions(record, actor), check, draftedByYou: report.drafted_by === actor.id };
}

export async function listReportsForStaff(deps: ServiceDeps) {
  const reports = await listReports(deps.db);
  return reports.map((r) => ({ ...r, status: publicationStatus(recordOf(r)) }));
}
