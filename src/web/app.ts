import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import fastifyStatic from '@fastify/static';
import qs from 'node:querystring';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { databaseIsUp } from '../data/db.ts';
import type { ServiceDeps } from '../services/deps.ts';
import type { CalendarHolder } from '../services/bank-holidays.ts';
import { loadStaff, toSignedIn, type SignedInStaff } from '../services/staff-accounts.ts';
import { createViewEnvironment, govukFrontendRoot, mojFrontendRoot } from './plugins/views.ts';
import { databaseSessions } from './plugins/session-store.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { staffRoutes } from './staff/routes.ts';
import { callsApiRoutes } from './api/calls-api.ts';
import { accessibleAutocompleteAssets, complainRoutes } from './complain/complain-routes.ts';
import { portalRoutes } from './portal/portal-routes.ts';
import { staffMessageRoutes } from './staff/message-routes.ts';
import { paths } from './paths.ts';
import { councilRoutes } from './public-pages/council-routes.ts';
import { openDataRoutes } from './public-pages/open-data-routes.ts';
import { mapRoutes } from './public-pages/map-routes.ts';
import { decisionRoutes } from './public-pages/decision-routes.ts';
import { reportRoutes } from './public-pages/report-routes.ts';
import { watchListRoutes } from './public-pages/watch-list-routes.ts';
import { letterDownloadRoutes } from './public-pages/letter-download-routes.ts';
import { publicationRoutes } from './staff/publication-routes.ts';
import { remedyRoutes } from './staff/remedy-routes.ts';
import { linkOfficerRoutes } from './staff/link-officer-routes.ts';
import { letterRoutes } from './staff/letter-routes.ts';
import { bodiesRoutes } from './bodies/bodies-routes.ts';
import { registerRenderShared } from './render-shared.ts';

declare module 'fastify' {
  interface FastifyReply {
    render(template: string, context?: Record<string, unknown>): FastifyReply;
  }
  interface FastifyRequest {
    staff: SignedInStaff | undefined;
  }
  interface Session {
    staffId?: number;
  }
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutNul(v)]));
  }
  return value;
}

function lazyCsrfToken(reply: FastifyReply): { toString(): string } {
  let token: string | undefined;
  return { toString: () => (token ??= reply.generateCsrf()) };
}

export interface AppDeps {
  config: Pick<Config, 'production' | 'sessionSecret'> & Partial<Config>;
  services: ServiceDeps;
  holidays: CalendarHolder;
  logger?: Logger | false;
}

/**
 * The web application, assembled in a fixed, readable order: health checks, security headers,
 * static files, body parsing, session, templates, authentication, CSRF, routes, errors.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (deps.logger || undefined) as FastifyBaseLogger | undefined,
    trustProxy: true,
    bodyLimit: 1_048_576,
    routerOptions: { querystringParser: (text: string) => qs.parse(text) },
  });

  // Probes come first, so they never create sessions.
  // Load balancers take a copy out of rotation on 503; it stays running and recovers by itself.
  // The read replica only serves reports and statistics, so it is reported but does not fail the check.
  app.get(paths.health, async (_request, reply) => {
    const replica = deps.services.readDb;
    const [up, replicaUp] = await Promise.all([databaseIsUp(deps.services.db), replica ? databaseIsUp(replica) : undefined]);
    reply.header('cache-control', 'no-store');
    if (!up) reply.header('retry-after', '30');
    return reply.code(up ? 200 : 503).send({
      status: up ? 'ok' : 'unavailable',
      database: up ? 'up' : 'down',
      ...(replicaUp === undefined ? {} : { readReplica: replicaUp ? 'up' : 'down' }),
    });
  });

  await app.register(fastifyHelmet, {
    enableCSPNonces: true,
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: deps.config.production,
  });

  await app.register(fastifyStatic, { root: join(govukFrontendRoot, 'dist', 'govuk', 'assets'), prefix: '/assets/', maxAge: '1d' });
  await app.register(fastifyStatic, { root: join(govukFrontendRoot, 'dist', 'govuk'), prefix: '/govuk/', decorateReply: false, maxAge: '1d', allowedPath: (path) => /^\/govuk-frontend\.min\.(css|js)(\.map)?$/.test(path) });
  await app.register(fastifyStatic, { root: join(mojFrontendRoot, 'moj'), prefix: '/moj/', decorateReply: false, maxAge: '1d', allowedPath: (path) => /^\/(moj-frontend\.min\.(css|js)(\.map)?|assets\/.*)$/.test(path) });
  await app.register(fastifyStatic, { ...accessibleAutocompleteAssets, decorateReply: false, maxAge: '1d' });
  await app.register(fastifyStatic, { root: join(import.meta.dirname, 'public'), prefix: '/public/', decorateReply: false, maxAge: '1h' });

  await app.register(fastifyFormbody, { parser: (body) => qs.parse(body) });
  await app.register(fastifyMultipart, { limits: { fileSize: 20 * 1_048_576, files: 1, fields: 10 } });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifyCookie);
  const sessions = databaseSessions(deps.services.db);
  await app.register(fastifySession, {
    secret: deps.config.sessionSecret,
    cookieName: 'redress.sid',
    cookie: { secure: deps.config.production, httpOnly: true, sameSite: 'lax', maxAge: 8 * 3_600_000, path: '/' },
    saveUninitialized: false,
    // A session is written only when it changes (signing in, a form's CSRF secret, the portal's
    // idle clock), never merely because a page was read: rolling writes made every staff page
    // view an UPDATE and a WAL flush, and concurrent tabs of one person wait on the same row.
    // Staff sessions therefore last 8 hours from signing in; the portals time out after 30 idle minutes.
    rolling: false,
    store: sessions.store,
  });

  const views = createViewEnvironment({ production: deps.config.production });
  app.decorateReply('render', function render(this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request;
    const locals = {
      cspNonce: (this.cspNonce as { script?: string } | null)?.script,
      staff: request.staff,
      // Made only when a template prints it (a page with a form), so pages without forms
      // create no session: nunjucks prints values through toString().
      csrfToken: lazyCsrfToken(this),
      currentPath: request.url.split('?')[0],
      ...context,
    };
    return this.type('text/html; charset=utf-8').send(views.render(template, locals));
  });

  registerRenderShared(app, views);

  app.decorateRequest('staff', undefined);
  // The account is normally read with the session (one statement); read on its own otherwise.
  app.addHook('preHandler', async (request) => {
    const staffId = request.session?.staffId;
    if (staffId === undefined) return;
    const account = sessions.takeStaffAccount(request.session.sessionId, staffId);
    request.staff = account === undefined ? await loadStaff(deps.services, staffId) : (account?.active ? toSignedIn(account) : undefined);
  });

  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const query = request.query as Record<string, unknown> | undefined;
      return String(body?._csrf ?? query?._csrf ?? request.headers['csrf-token'] ?? '');
    },
  });

  // Form pages take forms; JSON belongs to the API. NUL characters, which PostgreSQL cannot
  // store in text, are dropped from what a browser sends.
  app.addHook('preValidation', async (request, reply) => {
    const json = (request.headers['content-type'] ?? '').includes('application/json');
    if (json && !request.url.startsWith('/api/')) {
      return reply.code(415).render('errors/problem.njk', { status: 415, message: 'This page accepts forms, not JSON.' });
    }
    // The API refuses such input with a message instead, so callers learn of it.
    if (request.url.startsWith('/api/')) return;
    request.body = withoutNul(request.body);
    request.query = withoutNul(request.query) as typeof request.query;
  });

  registerErrorHandling(app);
  app.get('/', async (_request, reply) => reply.redirect(paths.staff.home));
  app.get('/help', async (_request, reply) => reply.render('complain/help.njk'));
  await app.register(staffRoutes(deps));
  await app.register(callsApiRoutes(deps));
  await app.register(complainRoutes(deps, { publicUrl: deps.config.publicUrl }));
  await app.register(portalRoutes(deps));
  await app.register(staffMessageRoutes(deps));
  // Public accountability: anyone, no sign-in.
  await app.register(councilRoutes(deps));
  await app.register(mapRoutes(deps));
  await app.register(openDataRoutes(deps));
  await app.register(decisionRoutes(deps));
  await app.register(reportRoutes(deps));
  await app.register(watchListRoutes(deps));
  await app.register(letterDownloadRoutes(deps));
  // The staff side of publishing, remedies and annual letters.
  await app.register(publicationRoutes(deps));
  await app.register(remedyRoutes(deps));
  await app.register(linkOfficerRoutes(deps));
  await app.register(letterRoutes(deps));
  // Bodies' link officers.
  await app.register(bodiesRoutes(deps));
  return app;
}
