import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getCase, getCasePage, getDocument } from '../../services/case-view.ts';
import { AppError, forbidden } from '../../services/errors.ts';
import { rules } from '../../domain/case-lifecycle.ts';
import { addDocument, recordEnquiryResponse } from '../../services/investigation.ts';
import { recordCompliance } from '../../services/compliance.ts';
import { caseEventLabel } from '../../domain/case-events.ts';
import { normaliseReference } from '../../domain/references.ts';
import type { AppDeps } from '../app.ts';
import { attachmentDisposition, dateInput, field, parseId, typedValues, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { caseActionPages } from './case-actions.ts';
import { requireStaff, signedIn } from './guards.ts';

declare module 'fastify' {
  interface Session {
    flash?: string;
  }
}

function referenceOf(request: FastifyRequest): string {
  const reference = normaliseReference((request.params as { reference: string }).reference);
  if (!reference) throw new AppError('not-found', 'Case not found');
  return reference;
}


export function caseRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get('/staff/cases/:reference', { preHandler: requireStaff }, async (request, reply) => {
      const { view, unreadMessages } = await getCasePage(deps.services, referenceOf(request), signedIn(request));
      const flash = request.session.flash;
      if (flash) request.session.flash = undefined;
      return reply.render('staff/case.njk', { view, c: view.caseRow, flash, unreadMessages, registered: (request.query as { registered?: string }).registered === '1', eventLabel: caseEventLabel });
    });

    for (const page of caseActionPages) {
      const url = `/staff/cases/:reference/${page.slug}`;
      const show = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) => {
        const view = await getCase(deps.services, referenceOf(request), signedIn(request));
        const extra = page.context ? await page.context(deps.services, view) : {};
        return reply.code(errors ? 400 : 200).render(page.template, { view, c: view.caseRow, page, values, errors, ...extra });
      };
      // Who may act is settled before anything else: a wrong role gets 403, never the form or its errors.
      const mayAct = async (request: FastifyRequest) => {
        if (!rules[page.action].roles.some((role) => signedIn(request).roles.includes(role))) throw forbidden();
      };
      app.get(url, { preHandler: [requireStaff, mayAct] }, async (request, reply) => show(request, reply, {}));
      app.post(url, { preHandler: [requireStaff, mayAct, app.csrfProtection] }, async (request, reply) => {
        const reference = referenceOf(request);
        const body = (request.body ?? {}) as FormBody;
        try {
          request.session.flash = await page.submit(deps.services, reference, signedIn(request), body);
          return reply.redirect(paths.staff.case(reference), 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid') return show(request, reply, typedValues(body), error.fields);
          throw error;
        }
      });
    }

    app.get('/staff/cases/:reference/document', { preHandler: requireStaff }, async (request, reply) => {
      const view = await getCase(deps.services, referenceOf(request), signedIn(request));
      return reply.render('staff/actions/document.njk', { view, c: view.caseRow, values: {} });
    });
    app.post('/staff/cases/:reference/document', { preHandler: [requireStaff, app.csrfProtection] }, async (request, reply) => {
      const reference = referenceOf(request);
      const file = request.isMultipart() ? await request.file() : undefined;
      try {
        if (!file || !file.filename) throw new AppError('invalid', 'Select a file', { document: 'Select a file' });
        const content = await file.toBuffer();
        await addDocument(deps.services, reference, signedIn(request), { fileName: file.filename, contentType: file.mimetype, content });
        request.session.flash = 'Document added';
        return reply.redirect(paths.staff.case(reference), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') {
          const view = await getCase(deps.services, reference, signedIn(request));
          return reply.code(400).render('staff/actions/document.njk', { view, c: view.caseRow, values: {}, errors: error.fields });
        }
        throw error;
      }
    });

    app.get('/staff/cases/:reference/documents/:id', { preHandler: requireStaff }, async (request, reply) => {
      const id = parseId((request.params as { id: string }).id);
      if (id === undefined) return reply.callNotFound();
      const { document, content } = await getDocument(deps.services, referenceOf(request), id);
      return reply
        .type('application/octet-stream')
        .header('content-disposition', attachmentDisposition(document.file_name))
        .header('x-content-type-options', 'nosniff')
        .send(content);
    });

    const itemPage = (slug: 'enquiries' | 'remedies', action: 'response' | 'compliance', template: string) => {
      const url = `/staff/cases/:reference/${slug}/:id/${action}`;
      const show = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: Record<string, string>) => {
        const view = await getCase(deps.services, referenceOf(request), signedIn(request));
        const id = parseId((request.params as { id: string }).id);
        const item = slug === 'enquiries' ? view.enquiries.find((e) => e.id === id) : view.remedies.find((r) => r.id === id);
        if (!item) throw new AppError('not-found', 'Not found');
        return reply.code(errors ? 400 : 200).render(template, { view, c: view.caseRow, item, values, errors });
      };
      app.get(url, { preHandler: requireStaff }, async (request, reply) => show(request, reply, {}));
      app.post(url, { preHandler: [requireStaff, app.csrfProtection] }, async (request, reply) => {
        const reference = referenceOf(request);
        const id = parseId((request.params as { id: string }).id);
        if (id === undefined) throw new AppError('not-found', 'Not found');
        const body = (request.body ?? {}) as FormBody;
        try {
          if (slug === 'enquiries') {
            await recordEnquiryResponse(deps.services, reference, signedIn(request), id, { response: field(body, 'response') });
            request.session.flash = 'Response recorded';
          } else {
            const date = dateInput(body, 'settledOn', 'the date the remedy was settled');
            if (date.error) throw new AppError('invalid', date.error, { settledOn: date.error });
            const status = await recordCompliance(deps.services, reference, signedIn(request), id, { complied: field(body, 'complied') as 'yes', settledOn: date.value as string, evidence: field(body, 'evidence') });
            request.session.flash = `Compliance recorded: ${status.replace(/-/g, ' ')}`;
          }
          return reply.redirect(paths.staff.case(reference), 303);
        } catch (error) {
          if (error instanceof AppError && error.code === 'invalid') return show(request, reply, typedValues(body), error.fields);
          throw error;
        }
      });
    };
    itemPage('enquiries', 'response', 'staff/actions/enquiry-response.njk');
    itemPage('remedies', 'compliance', 'staff/actions/compliance.njk');
  };
}
