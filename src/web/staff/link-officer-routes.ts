import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  addLinkOfficer, bodyLinkOfficers, editLinkOfficer, findBodiesForLinkOfficers, linkOfficerAdminRoles, linkOfficerOfBody,
} from '../../services/bodies/link-officer-admin.ts';
import { AppError, notFound } from '../../services/errors.ts';
import type { AppDeps } from '../app.ts';
import { field, parseId, type FormBody } from '../forms.ts';
import { requireRole, signedIn } from './guards.ts';

/** The staff pages for bodies' link officers, built in one place for routes and views alike. */
export const linkOfficerAdminPaths = {
  bodies: '/staff/bodies',
  officers: (bodyCode: string) => `/staff/bodies/${encodeURIComponent(bodyCode)}/link-officers`,
  officer: (bodyCode: string, id: number) => `/staff/bodies/${encodeURIComponent(bodyCode)}/link-officers/${id}`,
};

/**
 * Administrators and team managers keep each body's list of link officers: find the body, add an
 * officer, correct their details, take away their access (or give it back). Forms are GOV.UK
 * forms with an error summary that keep what was typed.
 */
export function linkOfficerRoutes(deps: AppDeps) {
  const managers = requireRole(...linkOfficerAdminRoles);
  return async (app: FastifyInstance) => {
    const codeOf = (request: FastifyRequest) => (request.params as { code: string }).code;
    const idOf = (request: FastifyRequest) => {
      const id = parseId((request.params as { id: string }).id);
      if (id === undefined) throw notFound('Link officer');
      return id;
    };
    const flashOf = (request: FastifyRequest) => {
      const query = request.query as { added?: string; saved?: string };
      return query.added ? 'Link officer added. They can now sign in with their email address.' : query.saved ? 'Link officer updated' : undefined;
    };

    app.get(linkOfficerAdminPaths.bodies, { preHandler: managers }, async (request, reply) => {
      const q = typeof (request.query as { q?: unknown }).q === 'string' ? (request.query as { q: string }).q : '';
      const found = await findBodiesForLinkOfficers(deps.services, signedIn(request), q);
      return reply.render('staff/link-officers/bodies.njk', { ...found, adminPaths: linkOfficerAdminPaths });
    });

    const showBody = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>) => {
      const { body, officers } = await bodyLinkOfficers(deps.services, signedIn(request), codeOf(request));
      return reply.code(errors ? 400 : 200).render('staff/link-officers/body.njk', { body, officers, values, errors, flash: errors ? undefined : flashOf(request), adminPaths: linkOfficerAdminPaths });
    };

    app.get('/staff/bodies/:code/link-officers', { preHandler: managers }, async (request, reply) => showBody(request, reply));

    app.post('/staff/bodies/:code/link-officers', { preHandler: [managers, app.csrfProtection] }, async (request, reply) => {
      const form = (request.body ?? {}) as FormBody;
      const values = { fullName: field(form, 'fullName'), email: field(form, 'email'), phone: field(form, 'phone') };
      try {
        await addLinkOfficer(deps.services, signedIn(request), codeOf(request), values);
        return reply.redirect(`${linkOfficerAdminPaths.officers(codeOf(request))}?added=1`, 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showBody(request, reply, values, error.fields);
        throw error;
      }
    });

    const showOfficer = async (request: FastifyRequest, reply: FastifyReply, values?: Record<string, string>, errors?: Record<string, string>) => {
      const { body, officer } = await linkOfficerOfBody(deps.services, signedIn(request), codeOf(request), idOf(request));
      const shown = values ?? { fullName: officer.full_name, email: officer.email, phone: officer.phone ?? '', active: officer.active ? 'yes' : 'no' };
      return reply.code(errors ? 400 : 200).render('staff/link-officers/edit.njk', { body, officer, values: shown, errors, adminPaths: linkOfficerAdminPaths });
    };

    app.get('/staff/bodies/:code/link-officers/:id', { preHandler: managers }, async (request, reply) => showOfficer(request, reply));

    app.post('/staff/bodies/:code/link-officers/:id', { preHandler: [managers, app.csrfProtection] }, async (request, reply) => {
      const form = (request.body ?? {}) as FormBody;
      const values = { fullName: field(form, 'fullName'), email: field(form, 'email'), phone: field(form, 'phone'), active: field(form, 'active') };
      try {
        await editLinkOfficer(deps.services, signedIn(request), codeOf(request), idOf(request), values as Parameters<typeof editLinkOfficer>[4]);
        return reply.redirect(`${linkOfficerAdminPaths.officers(codeOf(request))}?saved=1`, 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showOfficer(request, reply, values, error.fields);
        throw error;
      }
    });
  };
}
