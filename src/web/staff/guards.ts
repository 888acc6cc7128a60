import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../domain/vocabulary.ts';
import type { SignedInStaff } from '../../services/staff-accounts.ts';
import { paths } from '../paths.ts';

/** Sends people who are not signed in to the sign-in page, remembering where they were going. */
export async function requireStaff(request: FastifyRequest, reply: FastifyReply) {
  if (request.staff) return;
  const returnTo = request.method === 'GET' ? request.url : paths.staff.home;
  return reply.redirect(`${paths.staff.signIn}?returnTo=${encodeURIComponent(returnTo)}`, 303);
}

export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.staff) return requireStaff(request, reply);
    if (!roles.some((role) => request.staff?.roles.includes(role))) {
      return reply.code(403).render('errors/forbidden.njk', { message: 'You do not have permission to see this page' });
    }
  };
}

export function signedIn(request: FastifyRequest): SignedInStaff {
  if (!request.staff) throw new Error('requireStaff must run before this handler');
  return request.staff;
}
