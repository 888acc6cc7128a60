import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linkOfficerChoices, linkOfficerCodes, linkOfficerPepper } from '../../services/bodies/sign-in.ts';
import { emailCodeSignInRoutes } from '../email-code-sign-in.ts';
import { fieldOf, parseId } from '../forms.ts';
import type { BodiesRouteContext } from './context.ts';
import { bodiesPaths, safeBodiesReturnTo } from './paths.ts';
import { BODIES_IDLE_MS, checkSignedInOfficer, forgetLinkOfficer, signInAs, signInUrlFor } from './session.ts';

/**
 * Signing in as a link officer: an email address, then the 6-digit code we email to it (as on the
 * complainant portal, but with link officers' own codes and limits), then (for someone who acts
 * for more than one body) which body.
 */
export function registerBodiesSignInRoutes(app: FastifyInstance, context: BodiesRouteContext): void {
  const { deps, settings, render } = context;
  const services = deps.services;

  /** Past the code: straight in for one body; a choice for several; none means access has ended. */
  const signedIn = async (request: FastifyRequest, reply: FastifyReply, email: string) => {
    const returnTo = safeBodiesReturnTo(request.session.linkOfficerReturnTo);
    const choices = await linkOfficerChoices(services, email);
    // A new session for a new sign-in, so nothing from before (a fixed session id) carries over.
    await request.session.regenerate();
    const now = services.clock.now().getTime();
    const [only] = choices;
    if (choices.length === 1 && only) {
      signInAs(request.session, { linkOfficerId: only.linkOfficerId, email }, now);
      return reply.redirect(returnTo, 303);
    }
    if (choices.length === 0) {
      // They hold the address (the code proves it), but it no longer acts for any body.
      return render(request, reply, 'bodies/sign-in.njk', { values: {}, ended: true }, 403);
    }
    request.session.linkOfficerVerifiedEmail = email;
    request.session.linkOfficerVerifiedAt = now;
    request.session.linkOfficerReturnTo = returnTo;
    return reply.redirect(bodiesPaths.chooseBody, 303);
  };

  emailCodeSignInRoutes(app, {
    name: 'bodies',
    services,
    codes: linkOfficerCodes,
    pepper: linkOfficerPepper(deps.config.sessionSecret),
    limits: () => settings().limits,
    paths: bodiesPaths,
    templates: { signIn: 'bodies/sign-in.njk', checkEmail: 'bodies/check-email.njk', newCode: 'bodies/new-code.njk', signedOut: 'bodies/signed-out.njk' },
    pendingEmail: 'linkOfficerPendingEmail',
    notices: ['timedOut', 'ended'],
    render,
    signedInHome: async (request) =>
      request.session?.linkOfficerId !== undefined && (await checkSignedInOfficer(services, request.session)).state === 'signed-in' ? bodiesPaths.home : undefined,
    signedIn,
  });

  // ---- Choosing the body, for someone who acts for more than one ----

  /** Whose choices these are: someone just past the code, or a signed-in officer switching body. */
  const chooserEmail = async (request: FastifyRequest): Promise<{ email: string; signedInAs?: number } | { redirect: string }> => {
    const session = request.session;
    const now = services.clock.now().getTime();
    if (session.linkOfficerVerifiedEmail && session.linkOfficerVerifiedAt !== undefined) {
      if (now - session.linkOfficerVerifiedAt <= BODIES_IDLE_MS) return { email: session.linkOfficerVerifiedEmail };
      forgetLinkOfficer(session);
      return { redirect: signInUrlFor('timed-out') };
    }
    const check = await checkSignedInOfficer(services, session);
    if (check.state === 'signed-in') return { email: check.officer.email, signedInAs: check.officer.linkOfficerId };
    return { redirect: signInUrlFor(check.state) };
  };

  app.get(bodiesPaths.chooseBody, async (request, reply) => {
    const who = await chooserEmail(request);
    if ('redirect' in who) return reply.redirect(who.redirect, 303);
    const choices = await linkOfficerChoices(services, who.email);
    return render(request, reply, 'bodies/choose-body.njk', { choices, values: { linkOfficerId: who.signedInAs ? String(who.signedInAs) : '' }, switching: who.signedInAs !== undefined });
  });

  app.post(bodiesPaths.chooseBody, { preHandler: app.csrfProtection }, async (request, reply) => {
    const who = await chooserEmail(request);
    if ('redirect' in who) return reply.redirect(who.redirect, 303);
    const choices = await linkOfficerChoices(services, who.email);
    const chosenId = parseId(fieldOf(request.body, 'linkOfficerId'));
    // Only one of this address's own active records: anything else is the same as choosing nothing.
    const chosen = choices.find((choice) => choice.linkOfficerId === chosenId);
    if (!chosen) {
      return render(request, reply, 'bodies/choose-body.njk', { choices, values: {}, errors: { linkOfficerId: 'Select the council or care provider you are acting for' }, switching: who.signedInAs !== undefined }, 400);
    }
    const returnTo = who.signedInAs === undefined ? safeBodiesReturnTo(request.session.linkOfficerReturnTo) : bodiesPaths.home;
    signInAs(request.session, { linkOfficerId: chosen.linkOfficerId, email: who.email }, services.clock.now().getTime());
    request.session.linkOfficerReturnTo = undefined;
    return reply.redirect(returnTo, 303);
  });
}
