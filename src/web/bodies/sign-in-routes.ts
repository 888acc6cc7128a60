import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { linkOfficerChoices, linkOfficerPepper, requestLinkOfficerCode, verifyLinkOfficerCode } from '../../services/bodies/sign-in.ts';
import { AppError } from '../../services/errors.ts';
import { CODE_LIFETIME_MINUTES, emailSchema, messages as signInMessages, normaliseEmail, TooManyCodesError } from '../../services/portal/sign-in.ts';
import { field, parseId, type FormBody } from '../forms.ts';
import type { BodiesRouteContext } from './context.ts';
import { bodiesPaths, safeBodiesReturnTo } from './paths.ts';
import { BODIES_IDLE_MS, checkSignedInOfficer, forgetLinkOfficer, signInAs, signInUrlFor } from './session.ts';

const HOUR_MS = 3_600_000;

function fieldOf(body: unknown, name: string): string {
  return body && typeof body === 'object' ? field(body as FormBody, name) : '';
}

/**
 * Signing in as a link officer: an email address, then the 6-digit code we email to it, then (for
 * someone who acts for more than one body) which body. The same words whether or not we know the
 * address; limits per client address and per email address, as on the complainant portal.
 */
export function registerBodiesSignInRoutes(app: FastifyInstance, context: BodiesRouteContext): void {
  const { deps, settings, render } = context;
  const services = deps.services;
  const pepper = linkOfficerPepper(deps.config.sessionSecret);

  // ---- Rate limits (in memory, per server; the database also caps codes per address) ----
  const codesPerIp = app.createRateLimit({ max: () => settings().limits.codesPerIpPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `bodies-codes-ip:${r.ip}` });
  const codesPerEmail = app.createRateLimit({
    max: () => settings().limits.codesPerEmailPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `bodies-codes-email:${normaliseEmail(fieldOf(r.body, 'email'))}`,
  });
  const checksPerIp = app.createRateLimit({ max: () => settings().limits.codeChecksPerIpPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `bodies-checks-ip:${r.ip}` });
  const limited = async (limiter: typeof codesPerIp, request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return false;
    reply.header('retry-after', String(result.ttlInSeconds));
    return true;
  };

  app.get(bodiesPaths.signIn, async (request, reply) => {
    if (request.session?.linkOfficerId !== undefined && (await checkSignedInOfficer(services, request.session)).state === 'signed-in') {
      return reply.redirect(bodiesPaths.home);
    }
    const query = request.query as { timedOut?: string; ended?: string };
    return render(request, reply, 'bodies/sign-in.njk', { values: {}, timedOut: query.timedOut === '1', ended: query.ended === '1' });
  });

  const askForCode = async (request: FastifyRequest, reply: FastifyReply, template: 'bodies/sign-in.njk' | 'bodies/new-code.njk') => {
    const email = fieldOf(request.body, 'email');
    const show = (errors: Record<string, string>, status: number) => render(request, reply, template, { values: { email }, errors }, status);
    if (await limited(codesPerIp, request, reply)) return show({ email: signInMessages.tooManyCodes }, 429);
    const parsed = emailSchema.safeParse({ email });
    if (!parsed.success) return show({ email: parsed.error.issues[0]?.message ?? signInMessages.emailFormat }, 400);
    if (await limited(codesPerEmail, request, reply)) return show({ email: signInMessages.tooManyCodes }, 429);
    try {
      const sent = await requestLinkOfficerCode(services, pepper, { email }, { maxPerHour: settings().limits.codesPerEmailPerHour });
      request.session.linkOfficerPendingEmail = sent.email;
      return reply.redirect(bodiesPaths.checkEmail, 303);
    } catch (error) {
      if (error instanceof TooManyCodesError) return show(error.fields, 429);
      if (error instanceof AppError && error.code === 'invalid') return show(error.fields, 400);
      throw error;
    }
  };
  app.post(bodiesPaths.signIn, { preHandler: app.csrfProtection }, async (request, reply) => askForCode(request, reply, 'bodies/sign-in.njk'));

  const showCheckEmail = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, status?: number) =>
    render(request, reply, 'bodies/check-email.njk', { email: request.session.linkOfficerPendingEmail, minutes: CODE_LIFETIME_MINUTES, values, errors }, status ?? (errors ? 400 : 200));

  app.get(bodiesPaths.checkEmail, async (request, reply) => {
    if (!request.session.linkOfficerPendingEmail) return reply.redirect(bodiesPaths.signIn);
    return showCheckEmail(request, reply);
  });

  app.post(bodiesPaths.checkEmail, { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = request.session.linkOfficerPendingEmail;
    if (!email) return reply.redirect(bodiesPaths.signIn, 303);
    const code = fieldOf(request.body, 'code');
    if (await limited(checksPerIp, request, reply)) return showCheckEmail(request, reply, { code }, { code: 'There have been too many attempts to sign in. Try again later' }, 429);
    let result;
    try {
      result = await verifyLinkOfficerCode(services, pepper, email, code);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid') return showCheckEmail(request, reply, { code }, error.fields);
      throw error;
    }
    if (!result.ok) return showCheckEmail(request, reply, { code }, { code: result.message });
    const returnTo = safeBodiesReturnTo(request.session.linkOfficerReturnTo);
    const choices = await linkOfficerChoices(services, result.email);
    // A new session for a new sign-in, so nothing from before (a fixed session id) carries over.
    await request.session.regenerate();
    const now = services.clock.now().getTime();
    const [only] = choices;
    if (choices.length === 1 && only) {
      signInAs(request.session, { linkOfficerId: only.linkOfficerId, email: result.email }, now);
      return reply.redirect(returnTo, 303);
    }
    if (choices.length === 0) {
      // They hold the address (the code proves it), but it no longer acts for any body.
      return render(request, reply, 'bodies/sign-in.njk', { values: {}, ended: true }, 403);
    }
    request.session.linkOfficerVerifiedEmail = result.email;
    request.session.linkOfficerVerifiedAt = now;
    request.session.linkOfficerReturnTo = returnTo;
    return reply.redirect(bodiesPaths.chooseBody, 303);
  });

  app.get(bodiesPaths.newCode, async (request, reply) => render(request, reply, 'bodies/new-code.njk', { values: { email: request.session.linkOfficerPendingEmail ?? '' } }));
  app.post(bodiesPaths.newCode, { preHandler: app.csrfProtection }, async (request, reply) => askForCode(request, reply, 'bodies/new-code.njk'));

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

  app.post(bodiesPaths.signOut, { preHandler: app.csrfProtection }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect(bodiesPaths.signedOut, 303);
  });
  app.get(bodiesPaths.signedOut, async (request, reply) => render(request, reply, 'bodies/signed-out.njk'));
}
