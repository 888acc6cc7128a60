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
import {
  approveReport,
  checkTypedReport,
  getReport,
  listReportsForStaff,
  publishReport,
  reportKinds,
  saveReport,
  withdrawReport,
} from '../../services/publication/reports.ts';
import { listBodiesForSelect } from '../../services/bodies.ts';
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
  urls: publicationPaths, reportKinds, statusLabels: publicationStatusLabels, statusColours: publicationStatusColours, kindLabels: identifierKindLabels, historyLabels: publicationEventLabels,
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

    await registerReportPages(app, deps);
  };
}

function reportIdOf(request: FastifyRequest): number {
  const id = parseId((request.params as { id: string }).id);
  if (id === undefined) throw new AppError('not-found', 'Report not found');
  return id;
}

/** Staff pages for public interest and focus reports: list, draft, change, approve, publish, withdraw. */
async function registerReportPages(app: FastifyInstance, deps: AppDeps) {
  const mayDraft = requireRole(...drafterRoles);
  const mayApprove = requireRole(...approverRoles);

  app.get(publicationPaths.reports, { preHandler: requireStaff }, async (request, reply) => {
    const reports = await listReportsForStaff(deps.services);
    return reply.render('staff/publication/reports.njk', { ...publicationViewGlobals, reports, flash: takeFlash(request), mayDraft: drafterRoles.some((r) => signedIn(request).roles.includes(r)) });
  });

  const showForm = async (
    request: FastifyRequest, reply: FastifyReply, id: number | undefined,
    options: { values?: Record<string, string>; errors?: Record<string, string>; checked?: boolean } = {},
  ) => {
    const current = id === undefined ? undefined : await getReport(deps.services, id, signedIn(request));
    const values = options.values ?? (current
      ? {
          kind: current.report.kind, title: current.report.title, summary: current.report.summary_text, body: current.report.body_text,
          bodyId: current.report.body_id ? String(current.report.body_id) : '', cases: current.cases.map((c) => c.reference).join('\n'),
        }
      : {});
    const typed = { title: values.title ?? '', summary: values.summary ?? '', body: values.body ?? '', cases: values.cases ?? '' };
    const check = await checkTypedReport(deps.services, typed);
    return reply.code(options.errors ? 400 : 200).render('staff/publication/report-form.njk', {
      ...publicationViewGlobals, id, current, values, errors: options.errors, check, checked: options.checked,
      bodies: await listBodiesForSelect(deps.services),
    });
  };

  const submitForm = async (request: FastifyRequest, reply: FastifyReply, id: number | undefined) => {
    const body = (request.body ?? {}) as FormBody;
    const values = typedValues(body);
    if (field(body, 'intent') === 'check') return showForm(request, reply, id, { values, checked: true });
    try {
      const saved = await saveReport(deps.services, signedIn(request), id, {
        kind: values.kind as 'focus', title: values.title ?? '', summary: values.summary ?? '', body: values.body ?? '',
        bodyId: values.bodyId ? (parseId(values.bodyId) ?? 0) : null, cases: values.cases ?? '', confirmNotIdentifying: values.confirmNotIdentifying === 'yes',
      });
      request.session.flash = saved.changed ? 'Report saved: it now awaits approval by a second person' : 'No changes to save';
      return reply.redirect(publicationPaths.report(saved.id), 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid') return showForm(request, reply, id, { values, errors: error.fields });
      throw error;
    }
  };

  app.get(publicationPaths.newReport, { preHandler: [requireStaff, mayDraft] }, async (request, reply) => showForm(request, reply, undefined));
  app.post(publicationPaths.newReport, { preHandler: [requireStaff, mayDraft, app.csrfProtection] }, async (request, reply) => submitForm(request, reply, undefined));

  app.get('/staff/publication/reports/:id', { preHandler: requireStaff }, async (request, reply) => {
    const view = await getReport(deps.services, reportIdOf(request), signedIn(request));
    const marked = {
      title: markIdentifiers(view.report.title, view.check.title),
      summary: markIdentifiers(view.report.summary_text, view.check.summary),
      body: markIdentifiers(view.report.body_text, view.check.body),
    };
    return reply.render('staff/publication/report.njk', { ...publicationViewGlobals, view, marked, flash: takeFlash(request) });
  });
  app.get('/staff/publication/reports/:id/edit', { preHandler: [requireStaff, mayDraft] }, async (request, reply) => showForm(request, reply, reportIdOf(request)));
  app.post('/staff/publication/reports/:id/edit', { preHandler: [requireStaff, mayDraft, app.csrfProtection] }, async (request, reply) => submitForm(request, reply, reportIdOf(request)));

  const reportStep = (name: 'approve' | 'publish' | 'withdraw', run: (id: number, request: FastifyRequest) => Promise<unknown>, done: string) => {
    app.post(`/staff/publication/reports/:id/${name}`, { preHandler: [requireStaff, mayApprove, app.csrfProtection] }, async (request, reply) => {
      const id = reportIdOf(request);
      await run(id, request);
      request.session.flash = done;
      return reply.redirect(publicationPaths.report(id), 303);
    });
  };
  reportStep('approve', (id, request) => approveReport(deps.services, id, signedIn(request)), 'Report approved: it can now be published');
  reportStep('publish', (id, request) => publishReport(deps.services, id, signedIn(request)), 'Report published');
  reportStep('withdraw', (id, request) => withdrawReport(deps.services, id, signedIn(request)), 'Report withdrawn from the public site');
}
