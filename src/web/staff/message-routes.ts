import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseReference } from '../../domain/references.ts';
import { AppError } from '../../services/errors.ts';
import { replyAsStaff, staffThread } from '../../services/portal/messages.ts';
import type { AppDeps } from '../app.ts';
import { field, type FormBody } from '../forms.ts';
import { paths } from '../paths.ts';
import { requireStaff, signedIn } from './guards.ts';

declare module 'fastify' {
  interface Session {
    flash?: string;
  }
}

/** The caseworker's side of a case's message thread with the complainant: read it, reply to it. */
export function staffMessageRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    const url = '/staff/cases/:reference/messages';
    const referenceOf = (request: FastifyRequest) => (request.params as { reference: string }).reference;

    const show = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>) => {
      const thread = await staffThread(deps.services, referenceOf(request), signedIn(request));
      const flash = request.session.flash;
      if (flash) request.session.flash = undefined;
      return reply.code(errors ? 400 : 200).render('staff/messages.njk', { thread, c: thread.c, values, errors, flash });
    };

    app.get(url, { preHandler: requireStaff }, async (request, reply) => show(request, reply));

    app.post(url, { preHandler: [requireStaff, app.csrfProtection] }, async (request, reply) => {
      const message = field((request.body ?? {}) as FormBody, 'message');
      try {
        const reference = referenceOf(request);
        await replyAsStaff(deps.services, reference, signedIn(request), { message });
        request.session.flash = 'Message sent';
        return reply.redirect(paths.staff.caseAction(normaliseReference(reference) ?? reference, 'messages'), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return show(request, reply, { message }, error.fields);
        throw error;
      }
    });
  };
}
