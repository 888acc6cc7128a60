import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { identifierKindLabels, markIdentifiers, redact } from '../../domain/anonymisation.ts';
import { approverRoles, drafterRoles, publicationEventLabels, publicationStatusColours, publicationStatusLabels } from '../../domain/publication.ts';
import { normaliseReference } from '../../domain/references.ts';
import { AppError } from '../../services/errors.ts';
import {
  approveDecisionStatement,
  checkText,
  getDecisionPublication,
  isQueueTab,
  publicationQueue,
  publishDecision,
  saveDecisionStatement,
  sendBackDecisionStatement,
  withdrawDecision,
  type DecisionPublicationView,
} from '../../services/publication/decision-publishing.ts';
import type { AppDeps } from '../app.ts';
import { field, parseId, typedValues, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { requireRole, requireStaff, signedIn } from './guards.ts';

declare module 'fastify' {
  interface Session {
    flash?: string;
  }
}

/** Every URL of publishing, for routes and views alike. */
export const publicationPaths = {
  queue: (tab?: string, page?: number) => `/staff/publication${tab ? `?status=${tab}${page && page > 1 ? `&page=${page}` : ''}` : ''}`,
  case: (reference: string) => `${paths.staff.case(reference)}/publication`,
  statement: (reference: string) => `${paths.staff.case(reference)}/publication/statement`,
  step: (reference: string, step: 'approve' | 'publish' | 'send-back' | 'withdraw') => `${paths.staff.case(reference)}/publication/${step}`,
  publicDecision: (id: number) => `/decisions/${id}`,
  reports: '/staff/publication/reports',
  newReport: '/staff/publication/reports/new',
  report: (id: number) => `/staff/publication/reports/${id}`,
  editReport: (id: number) => `/staff/publication/reports/${id}/edit`,
  reportStep: (id: number, step: 'approve' | 'publish' | 'withdraw') => `/staff/publication/reports/${id}/${step}`,
  publicReport: (slug: string) => `/reports/${slug}`,
};

/** What every publication page needs to name statuses and link onwards. */
export const publicationViewGlobals = {
  urls: publicationPaths, statusLabels: publicationStatusLabels, statusColours: publicationStatusColours, kindLabels: identifierKindLabels, historyLabels: publicationEventLabels,
};

function referenceOf(request: FastifyRequest): string {
  const reference = normaliseReference((request.params as { reference: string }).reference);
  if (!reference) throw new AppError('not-found', 'Case not found');
  return reference;
}

function takeFlash(request: FastifyRequest): string | undefined {
  const flash = request.session.flash;
  if (flash) request.session.flash = undefined;
  return flash;
}

/** The statement and summary with each finding marked in place, for the reviewer to read. */
function markedText(view: DecisionPublicationView, summary: string, statement: string) {
  const check = checkText(view.people, summary, statement);
  return { check, summary: markIdentifiers(summary, check.summary), statement: markIdentifiers(statement, check.statement) };
}

/**
 * Staff pages for publishing: the queue of decisions by where their publication stands, each
 * case's anonymisation review (draft, check, submit, approve or send back, publish, withdraw),
 * and public interest and focus reports.
 */
export function publicationRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get('/staff/publication', { preHandler: requireStaff }, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const tab = isQueueTab(query.status) ? query.status : 'review';
      const queue = await publicationQueue(deps.services, tab, parseId(query.page) ?? 1);
      return reply.render('staff/publication/queue.njk', { ...publicationViewGlobals, queue, flash: takeFlash(request) });
    });

    // -- One case: its publication page, the statement form, and each step.

    const caseUrl = '/staff/cases/:reference/publication';
    app.get(caseUrl, { preHandler: requireStaff }, async (request, reply) => {
      const view = await getDecisionPublication(deps.services, referenceOf(request), signedIn(request));
      const marked = view.row ? markedText(view, view.row.summary_text, view.row.statement_text) : undefined;
      return reply.render('staff/publication/case.njk', { ...publicationViewGlobals, view, c: view.caseRow, marked, flash: takeFlash(request) });
    });

    const showStatement = async (
      request: FastifyRequest, reply: FastifyReply,
      options: { values?: Record<string, string>; errors?: Record<string, string>; notice?: string } = {},
    ) => {
      const view = await getDecisionPublication(deps.services, referenceOf(request), signedIn(request));
      if (!view.decision) throw new AppError('illegal', 'This case has no final decision, so there is nothing to publish');
      const values = options.values ?? { summary: view.text?.summary ?? '', statement: view.text?.statement ?? '' };
      const marked = markedText(view, values.summary ?? '', values.statement ?? '');
      return reply
        .code(options.errors ? 400 : 200)
        .render('staff/publication/statement.njk', { ...publicationViewGlobals, view, c: view.caseRow, values, errors: options.errors, notice: options.notice, marked });
    };

    const mayDraft = requireRole(...drafterRoles);
    app.get(`${caseUrl}/statement`, { preHandler: [requireStaff, mayDraft] }, async (request, reply) => showStatement(request, reply));

    app.post(`${caseUrl}/statement`, { preHandler: [requireStaff, mayDraft, app.csrfProtection] }, async (request, reply) => {
      const reference = referenceOf(request);
      const body = (request.body ?? {}) as FormBody;
      const values = typedValues(body);
      const intent = field(body, 'intent');
      if (intent === 'check') return showStatement(request, reply, { values, notice: 'checked' });
      if (intent === 'redact') {
        const view = await getDecisionPublication(deps.services, reference, signedIn(request));
        const check = checkText(view.people, values.summary ?? '', values.statement ?? '');
        const redacted = { ...values, summary: redact(values.summary ?? '', check.summary), statement: redact(values.statement ?? '', check.statement) };
        return showStatement(request, reply, { values: redacted, notice: check.count > 0 ? 'redacted' : 'checked' });
      }
      try {
        const result = await saveDecisionStatement(deps.services, reference, signedIn(request), {
          summary: values.summary ?? '', statement: values.statement ?? '',
          intent: intent === 'submit' ? 'submit' : 'save', confirmNotIdentifying: field(body, 'confirmNotIdentifying') === 'yes',
        });
        request.session.flash = intent === 'submit' ? 'Statement submitted for approval' : result.changed ? 'Draft saved' : 'No changes to save';
        return reply.redirect(publicationPaths.case(reference), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showStatement(request, reply, { values, errors: error.fields });
        throw error;
      }
    });

    const mayApprove = requireRole(...approverRoles);
    const step = (name: 'approve' | 'publish', run: (reference: string, request: FastifyRequest) => Promise<unknown>, done: string) => {
      app.post(`${caseUrl}/${name}`, { preHandler: [requireStaff, mayApprove, app.csrfProtection] }, async (request, reply) => {
        const reference = referenceOf(request);
        await run(reference, request);
        request.session.flash = done;
        return reply.redirect(publicationPaths.case(reference), 303);
      });
    };
    step('approve', (reference, request) => approveDecisionStatement(deps.services, reference, signedIn(request)), 'Statement approved: it can now be published');
    step('publish', (reference, request) => publishDecision(deps.services, reference, signedIn(request)), 'Decision published');

    const reasonPage = (name: 'send-back' | 'withdraw', run: (reference: string, request: FastifyRequest, reason: string) => Promise<unknown>, done: string) => {
      const show = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) => {
        const view = await getDecisionPublication(deps.services, referenceOf(request), signedIn(request));
        return reply.code(errors ? 400 : 200).render('staff/publication/reason.njk', { ...publicationViewGlobals, view, c: view.caseRow, step: name, values, errors });
      };
      app.get(`${caseUrl}/${name}`, { preHandler: [requireStaff, mayApprove] }, async (request, reply) => show(request, reply, {}));
      app.post(`${caseUrl}/${name}`, { preHandler: [requireStaff, mayApprove, app.csrfProtection] }, async (request, reply) => {
        const reference = referenceOf(request);
        const body = (request.body ?? {}) as FormBody;
        try {
          await run(reference, request, field(body, 'reason'));
          request.session.flash = done;
          return reply.redirect(publicationPaths.case(reference), 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid') return show(request, reply, typedValues(body), error.fields);
          throw error;
        }
      });
    };
    reasonPage('send-back', (reference, request, reason) => sendBackDecisionStatement(deps.services, reference, signedIn(request), { reason }), 'Statement sent back for changes');
    reasonPage('withdraw', (reference, request, reason) => withdrawDecision(deps.services, reference, signedIn(request), { reason }), 'Decision withdrawn from the public site');

  };
}
