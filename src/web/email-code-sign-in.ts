import type { FastifyInstance, FastifyReply, FastifyRequest, Session } from 'fastify';
import type { ServiceDeps } from '../services/deps.ts';
import {
  CODE_LIFETIME_MINUTES, emailSchema, messages, normaliseEmail, requestEmailCode, TooManyCodesError, verifyEmailCode, type EmailCodeSpace,
} from '../services/email-code.ts';
import { AppError } from '../services/errors.ts';
import { fieldOf } from './forms.ts';
import type { PortalLimits } from './portal/settings.ts';

const HOUR_MS = 3_600_000;

/** The session's fields that hold text, such as an email address. */
type TextSessionKey = { [K in keyof Session]-?: Session[K] extends string | undefined ? K : never }[keyof Session];

type Render = (request: FastifyRequest, reply: FastifyReply, template: string, context?: Record<string, unknown>, status?: number) => FastifyReply;

export interface EmailCodeSignInOptions {
  /** Names this service's rate limits, so one service's visitors never use up another's. */
  name: string;
  services: ServiceDeps;
  /** Whose codes these are, and the pepper for that code space. */
  codes: EmailCodeSpace;
  pepper: string;
  limits: () => PortalLimits;
  paths: { signIn: string; checkEmail: string; newCode: string; signOut: string; signedOut: string };
  templates: { signIn: string; checkEmail: string; newCode: string; signedOut: string };
  /** Where the address a code was last asked for is kept while signing in. */
  pendingEmail: TextSessionKey;
  /** Query flags (`?timedOut=1`) the sign-in page is given as true or false, to say why someone was sent there. */
  notices: readonly string[];
  render: Render;
  /** Where someone already signed in goes instead of the sign-in page; undefined when nobody is. */
  signedInHome: (request: FastifyRequest) => Promise<string | undefined>;
  /** After the right code for `email`: starts the signed-in session (a regenerated one) and answers. */
  signedIn: (request: FastifyRequest, reply: FastifyReply, email: string) => Promise<FastifyReply>;
}

/**
 * Signing in with an emailed code: an email address (or a new code for it), then the code. The
 * same words whether or not we know the address; limits per client address and per email address
 * here, in memory per server, as well as the code space's own cap in the database.
 */
export function emailCodeSignInRoutes(app: FastifyInstance, options: EmailCodeSignInOptions): void {
  const { name, services, codes, pepper, limits, paths, templates, pendingEmail, render } = options;

  const codesPerIp = app.createRateLimit({ max: () => limits().codesPerIpPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `${name}-codes-ip:${r.ip}` });
  const codesPerEmail = app.createRateLimit({
    max: () => limits().codesPerEmailPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `${name}-codes-email:${normaliseEmail(fieldOf(r.body, 'email'))}`,
  });
  const checksPerIp = app.createRateLimit({ max: () => limits().codeChecksPerIpPerHour, timeWindow: HOUR_MS, keyGenerator: (r) => `${name}-checks-ip:${r.ip}` });
  const limited = async (limiter: typeof codesPerIp, request: FastifyRequest, reply: FastifyReply) => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return false;
    reply.header('retry-after', String(result.ttlInSeconds));
    return true;
  };

  app.get(paths.signIn, async (request, reply) => {
    const home = await options.signedInHome(request);
    if (home) return reply.redirect(home);
    const query = request.query as Record<string, string | undefined>;
    const flags = Object.fromEntries(options.notices.map((notice) => [notice, query[notice] === '1']));
    return render(request, reply, templates.signIn, { values: {}, ...flags });
  });

  const askForCode = async (request: FastifyRequest, reply: FastifyReply, template: string) => {
    const email = fieldOf(request.body, 'email');
    const show = (errors: Record<string, string>, status: number) => render(request, reply, template, { values: { email }, errors }, status);
    if (await limited(codesPerIp, request, reply)) return show({ email: messages.tooManyCodes }, 429);
    const parsed = emailSchema.safeParse({ email });
    if (!parsed.success) return show({ email: parsed.error.issues[0]?.message ?? messages.emailFormat }, 400);
    if (await limited(codesPerEmail, request, reply)) return show({ email: messages.tooManyCodes }, 429);
    try {
      const sent = await requestEmailCode(services, codes, pepper, { email }, { maxPerHour: limits().codesPerEmailPerHour });
      request.session[pendingEmail] = sent.email;
      return reply.redirect(paths.checkEmail, 303);
    } catch (error) {
      if (error instanceof TooManyCodesError) return show(error.fields, 429);
      if (error instanceof AppError && error.code === 'invalid') return show(error.fields, 400);
      throw error;
    }
  };
  app.post(paths.signIn, { preHandler: app.csrfProtection }, async (request, reply) => askForCode(request, reply, templates.signIn));

  const showCheckEmail = (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, status?: number) =>
    render(request, reply, templates.checkEmail, { email: request.session[pendingEmail], minutes: CODE_LIFETIME_MINUTES, values, errors }, status ?? (errors ? 400 : 200));

  app.get(paths.checkEmail, async (request, reply) => {
    if (!request.session[pendingEmail]) return reply.redirect(paths.signIn);
    return showCheckEmail(request, reply);
  });

  app.post(paths.checkEmail, { preHandler: app.csrfProtection }, async (request, reply) => {
    const email = request.session[pendingEmail];
    if (!email) return reply.redirect(paths.signIn, 303);
    const code = fieldOf(request.body, 'code');
    if (await limited(checksPerIp, request, reply)) return showCheckEmail(request, reply, { code }, { code: 'There have been too many attempts to sign in. Try again later' }, 429);
    let result;
    try {
      result = await verifyEmailCode(services, codes, pepper, email, code);
    } catch (error) {
      if (error instanceof AppError && error.code === 'invalid') return showCheckEmail(request, reply, { code }, error.fields);
      throw error;
    }
    if (!result.ok) return showCheckEmail(request, reply, { code }, { code: result.message });
    return options.signedIn(request, reply, result.email);
  });

  app.get(paths.newCode, async (request, reply) => render(request, reply, templates.newCode, { values: { email: request.session[pendingEmail] ?? '' } }));
  app.post(paths.newCode, { preHandler: app.csrfProtection }, async (request, reply) => askForCode(request, reply, templates.newCode));

  app.post(paths.signOut, { preHandler: app.csrfProtection }, async (request, reply) => {
    await request.session.destroy();
    return reply.redirect(paths.signedOut, 303);
  });
  app.get(paths.signedOut, async (request, reply) => render(request, reply, templates.signedOut));
}
