import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { findRemedyWithCase } from '../../data/repositories/remedies.ts';
import { normaliseReference } from '../../domain/references.ts';
import { canRecordSatisfaction, delayedDueDateRoles, reminderLabel, remedyListRoles, satisfactionOutcomes } from '../../domain/remedies.ts';
import { remedyKinds } from '../../domain/vocabulary.ts';
import { caseRemedyPage } from '../../services/remedies/case-remedies.ts';
import { setDelayedRemedyDueDate } from '../../services/remedies/delayed.ts';
import { isRemedyListView, remedyList, remedyListForExport, remedyListViews, type RemedyListQuery } from '../../services/remedies/remedy-list.ts';
import { assertMayRecordSatisfaction, recordSatisfaction } from '../../services/remedies/satisfaction.ts';
import { AppError, illegal, notFound } from '../../services/errors.ts';
import type { AppDeps } from '../app.ts';
import { dateInput, field, parseId, typedValues, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { requireRole, requireStaff, signedIn } from './guards.ts';

/** Every URL of the remedy follow-up pages, for routes and views alike. */
export const remedyPaths = {
  list: '/staff/remedies',
  listFiltered: (query: { view?: string; body?: number | string | null; caseworker?: number | string | null; page?: number | null; format?: string }) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '' && !(key === 'view' && value === 'overdue') && !(key === 'page' && value === 1)) params.set(key, String(value));
    const text = params.toString();
    return `/staff/remedies${text ? `?${text}` : ''}`;
  },
  caseRemedies: (reference: string) => `${paths.staff.case(reference)}/remedies`,
  satisfaction: (reference: string, remedyId: number) => `${paths.staff.case(reference)}/remedies/${remedyId}/satisfaction`,
  delayedDueDate: (remedyId: number) => `/staff/remedies/${remedyId}/delayed-due-date`,
};

function referenceOf(request: FastifyRequest): string {
  const reference = normaliseReference((request.params as { reference: string }).reference);
  if (!reference) throw notFound('Case');
  return reference;
}

function remedyIdOf(request: FastifyRequest): number {
  const id = parseId((request.params as { id: string }).id);
  if (id === undefined) throw notFound('Remedy');
  return id;
}

/** The list's filters from the query string; anything unreadable is ignored, never an error. */
function listQueryOf(request: FastifyRequest): RemedyListQuery & { page: number; csv: boolean } {
  const query = request.query as Record<string, unknown>;
  const text = (name: string) => field(query, name);
  const caseworker = text('caseworker');
  return {
    view: isRemedyListView(text('view')) ? (text('view') as RemedyListQuery['view']) : 'overdue',
    bodyId: parseId(text('body')),
    ownerId: caseworker === 'none' ? 'none' : parseId(caseworker),
    page: Math.min(10_000, Math.max(1, Math.trunc(Number(text('page'))) || 1)),
    csv: text('format') === 'csv',
  };
}

export function remedyRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    const mayList = requireRole(...remedyListRoles);

    app.get(remedyPaths.list, { preHandler: mayList }, async (request, reply) => {
      const query = listQueryOf(request);
      const filter = { view: query.view, bodyId: query.bodyId, ownerId: query.ownerId };
      if (query.csv) {
        const rows = await remedyListForExport(deps.services, filter);
        const body = stringify(
          rows.map((r) => ({
            case_reference: r.reference, body_code: r.body_code, body_name: r.body_name, remedy_kind: r.kind,
            amount_pence: r.amount_pence ?? '', due_on: r.due_on, days_overdue: r.daysOverdue,
            delayed: r.delayed ? 'yes' : 'no', delayed_due_on: r.delayed_due_on ?? '', caseworker: r.owner_name ?? '',
            link_officers: r.link_officers, last_reminder_at: r.last_reminder_at ? new Date(r.last_reminder_at).toISOString() : '',
          })),
          { header: true, columns: ['case_reference', 'body_code', 'body_name', 'remedy_kind', 'amount_pence', 'due_on', 'days_overdue', 'delayed', 'delayed_due_on', 'caseworker', 'link_officers', 'last_reminder_at'] },
        );
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="remedies-${query.view}.csv"`)
          .header('cache-control', 'private, no-store')
          .send(body);
      }
      const list = await remedyList(deps.services, filter, query.page);
      const link = (changes: Record<string, string | number | null | undefined>) =>
        remedyPaths.listFiltered({ view: query.view, body: query.bodyId, caseworker: query.ownerId, ...changes });
      return reply.render('staff/remedies/list.njk', {
        list, query, views: remedyListViews, remedyPaths, link,
        bodyOptions: [{ value: '', text: 'All bodies' }, ...list.groups.bodies.map((b) => ({ value: String(b.id), text: `${b.name} (${b.n})`, selected: b.id === query.bodyId }))],
        caseworkerOptions: [
          { value: '', text: 'All caseworkers' },
          ...list.groups.owners.map((o) => ({ value: o.id === null ? 'none' : String(o.id), text: `${o.name ?? 'Not allocated'} (${o.n})`, selected: o.id === null ? query.ownerId === 'none' : o.id === query.ownerId })),
        ],
      });
    });

    app.get('/staff/cases/:reference/remedies', { preHandler: mayList }, async (request, reply) => {
      const page = await caseRemedyPage(deps.services, referenceOf(request), signedIn(request));
      const flash = request.session.flash;
      if (flash) request.session.flash = undefined;
      return reply.render('staff/remedies/case.njk', { page, c: page.caseRow, flash, remedyPaths, satisfactionOutcomes, reminderLabel });
    });

    // Satisfaction with the evidence of compliance: who may is settled first, so a wrong person gets 403, never the form.
    const satisfactionUrl = '/staff/cases/:reference/remedies/:id/satisfaction';
    const mayJudge = async (request: FastifyRequest) => assertMayRecordSatisfaction(deps.services, referenceOf(request), signedIn(request));
    const showSatisfaction = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) => {
      const page = await caseRemedyPage(deps.services, referenceOf(request), signedIn(request));
      const remedy = page.remedies.find((r) => r.id === remedyIdOf(request));
      if (!remedy) throw notFound('Remedy');
      if (!canRecordSatisfaction(remedy.status)) throw illegal('Record that the body carried out the remedy before judging its evidence');
      const chosen = values.satisfaction ?? remedy.satisfaction ?? '';
      return reply.code(errors ? 400 : 200).render('staff/remedies/satisfaction.njk', {
        c: page.caseRow, remedy, values, errors, remedyPaths,
        options: Object.entries(satisfactionOutcomes).map(([value, text]) => ({ value, text, checked: value === chosen })),
      });
    };
    app.get(satisfactionUrl, { preHandler: [requireStaff, mayJudge] }, async (request, reply) => showSatisfaction(request, reply, {}));
    app.post(satisfactionUrl, { preHandler: [requireStaff, mayJudge, app.csrfProtection] }, async (request, reply) => {
      const reference = referenceOf(request);
      const body = (request.body ?? {}) as FormBody;
      try {
        const satisfaction = await recordSatisfaction(deps.services, reference, signedIn(request), remedyIdOf(request), { satisfaction: field(body, 'satisfaction') as never, note: field(body, 'note') });
        request.session.flash = `Recorded: ${satisfactionOutcomes[satisfaction].toLowerCase()} with the evidence`;
        return reply.redirect(remedyPaths.caseRemedies(reference), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showSatisfaction(request, reply, typedValues(body), error.fields);
        throw error;
      }
    });

    // A delayed remedy's own due date: managers only.
    const delayedUrl = '/staff/remedies/:id/delayed-due-date';
    const mayDelay = requireRole(...delayedDueDateRoles);
    const showDelayed = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) => {
      const remedy = await findRemedyWithCase(deps.services.db, remedyIdOf(request));
      if (!remedy) throw notFound('Remedy');
      if (remedy.status !== 'pending') throw illegal('This remedy has been settled: it no longer has a due date to change');
      if (remedy.delayed_at === null) throw illegal('Only a delayed remedy has a due date of its own');
      return reply.code(errors ? 400 : 200).render('staff/remedies/delayed-due-date.njk', { remedy, values, errors, remedyPaths, kindLabel: remedyKinds.label(remedy.kind) });
    };
    app.get(delayedUrl, { preHandler: mayDelay }, async (request, reply) => showDelayed(request, reply, {}));
    app.post(delayedUrl, { preHandler: [mayDelay, app.csrfProtection] }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const date = dateInput(body, 'dueOn', 'the new due date');
      try {
        const result = await setDelayedRemedyDueDate(deps.services, remedyIdOf(request), signedIn(request), { dueOn: date.value ?? '', reason: field(body, 'reason') }).catch((error: unknown) => {
          // A date the form could not read is reported in the form's own words, with any other mistake.
          if (date.error && error instanceof AppError && error.code === 'invalid') throw new AppError('invalid', date.error, { ...error.fields, dueOn: date.error });
          throw error;
        });
        request.session.flash = 'Due date set';
        return reply.redirect(remedyPaths.caseRemedies(result.reference), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showDelayed(request, reply, typedValues(body), error.fields);
        throw error;
      }
    });
  };
}
