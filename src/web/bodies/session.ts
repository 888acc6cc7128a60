import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Session } from 'fastify';
import { loadLinkOfficer, type SignedInLinkOfficer } from '../../services/bodies/sign-in.ts';
import type { ServiceDeps } from '../../services/deps.ts';
import { seenAtAfter } from '../seen-at.ts';
import { bodiesPaths, safeBodiesReturnTo } from './paths.ts';

/** A signed-in link officer who does nothing for this long is signed out, as on the complainant portal; every page says so. */
export const BODIES_IDLE_MS = 30 * 60_000;

declare module 'fastify' {
  interface Session {
    /** The link officer record (one body) the person is signed in as. */
    linkOfficerId?: number;
    /** The address they proved they hold; access ends if the record's address changes. */
    linkOfficerEmail?: string;
    /** When they last did something (ms since the epoch, from the service clock). */
    linkOfficerSeenAt?: number;
    /** The address a code was last asked for, while signing in. */
    linkOfficerPendingEmail?: string;
    /** An address proved by its code that acts for more than one body: choosing which, before signing in. */
    linkOfficerVerifiedEmail?: string;
    linkOfficerVerifiedAt?: number;
    linkOfficerReturnTo?: string;
    linkOfficerFlash?: string;
  }
}

/** Forgets the link officer's sign-in, leaving nothing of it in the session. */
export function forgetLinkOfficer(session: Session): void {
  session.linkOfficerId = undefined;
  session.linkOfficerEmail = undefined;
  session.linkOfficerSeenAt = undefined;
  session.linkOfficerVerifiedEmail = undefined;
  session.linkOfficerVerifiedAt = undefined;
}

export function signInAs(session: Session, officer: { linkOfficerId: number; email: string }, now: number): void {
  forgetLinkOfficer(session);
  session.linkOfficerId = officer.linkOfficerId;
  session.linkOfficerEmail = officer.email;
  session.linkOfficerSeenAt = now;
}

export type OfficerCheck =
  | { state: 'signed-in'; officer: SignedInLinkOfficer }
  | { state: 'timed-out' | 'access-ended' | 'signed-out' };

/**
 * Who is signed in, checked afresh: signed out after the idle time, and at once when the record
 * is deactivated or its address changed. Marks the person as active when they are signed in.
 */
export async function checkSignedInOfficer(services: ServiceDeps, session: Session): Promise<OfficerCheck> {
  const now = services.clock.now().getTime();
  const { linkOfficerId, linkOfficerEmail, linkOfficerSeenAt } = session;
  if (linkOfficerId === undefined || !linkOfficerEmail) return { state: 'signed-out' };
  if (linkOfficerSeenAt === undefined || now - linkOfficerSeenAt > BODIES_IDLE_MS) {
    forgetLinkOfficer(session);
    return { state: 'timed-out' };
  }
  const officer = await loadLinkOfficer(services, linkOfficerId, linkOfficerEmail);
  if (!officer) {
    forgetLinkOfficer(session);
    return { state: 'access-ended' };
  }
  const noted = seenAtAfter(linkOfficerSeenAt, now);
  if (noted !== linkOfficerSeenAt) session.linkOfficerSeenAt = noted;
  return { state: 'signed-in', officer };
}

/** The sign-in page, saying why someone was sent there. */
export function signInUrlFor(state: Exclude<OfficerCheck['state'], 'signed-in'>): string {
  if (state === 'timed-out') return `${bodiesPaths.signIn}?timedOut=1`;
  if (state === 'access-ended') return `${bodiesPaths.signIn}?ended=1`;
  return bodiesPaths.signIn;
}

const signedInOfficers = new WeakMap<FastifyRequest, SignedInLinkOfficer>();

/** A preHandler: only signed-in link officers past this point; others go to sign in, and come back after. */
export function requireLinkOfficer(services: ServiceDeps) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const check = await checkSignedInOfficer(services, request.session);
    if (check.state === 'signed-in') {
      signedInOfficers.set(request, check.officer);
      return;
    }
    if (request.method === 'GET') request.session.linkOfficerReturnTo = safeBodiesReturnTo(request.url.split('?')[0]);
    return reply.redirect(signInUrlFor(check.state), 303);
  };
}

/** The officer requireLinkOfficer let through. */
export function signedInOfficer(request: FastifyRequest): SignedInLinkOfficer {
  const officer = signedInOfficers.get(request);
  if (!officer) throw new Error('requireLinkOfficer must run before this handler');
  return officer;
}

/** The officer, when this request has been through requireLinkOfficer (for the layout's "signed in as"). */
export function officerIfSignedIn(request: FastifyRequest): SignedInLinkOfficer | undefined {
  return signedInOfficers.get(request);
}
