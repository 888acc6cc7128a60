import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { notScanned } from '../../files/virus-scan.ts';
import { AppError } from '../../services/errors.ts';
import { getComplaint, listComplaints } from '../../services/portal/complaints.ts';
import { getPortalDocument, ScanUnavailableError, sizeInWords, uploadMessages, uploadPortalDocument } from '../../services/portal/documents.ts';
import { sendComplainantMessage } from '../../services/portal/messages.ts';
import { complainantCodes, signInPepper } from '../../services/portal/sign-in.ts';
import { acceptedTypesSentence } from '../../services/portal/file-types.ts';
import type { AppDeps } from '../app.ts';
import { emailCodeSignInRoutes } from '../email-code-sign-in.ts';
import { fieldOf } from '../forms.ts';
import { portalPaths, safePortalReturnTo } from './paths.ts';
import { portalSettings, type PortalOptions } from './settings.ts';
import { seenAtAfter } from '../seen-at.ts';

/** A signed-in complainant who does nothing for this long is signed out; every page says so, and warns first with JavaScript. */
export const PORTAL_IDLE_MS = 30 * 60_000;

declare module 'fastify' {
  interface Session {
    /** The signed-in complainant's email address, lower-cased. */
    portalEmail?: string;
    /** When the signed-in complainant last did something (ms since the epoch, from the service clock). */
    portalSeenAt?: number;
    /** The address a sign-in code was last asked for, while signing in. */
    portalPendingEmail?: string;
    portalReturnTo?: string;
    portalFlash?: string;
  }
}

/**
 * The complainant portal's signed-in half: sign in with an emailed code, follow your complaints,
 * send us messages and documents. Every page works without JavaScript; every form has CSRF
 * protection; another person's complaint, document or message is simply "not found".
 */
export function portalRoutes(deps: AppDeps, options: PortalOptions = {}) {
  const settings = () => portalSettings(deps.services, options);
  const pepper = signInPepper(deps.config.sessionSecret);

  return async (app: FastifyInstance) => {
    // Read the settings once now, so a misconfigured scanner stops the server starting rather than an upload.
    if (settings().scanner === notScanned && deps.config.production) {
      app.log.warn('No virus scanner is configured (CLAMAV_HOST or CLAMSCAN_DATABASE): portal uploads are stored as not scanned');
    }
    const render = (request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown> = {}, status = 200) =>
      reply.code(status).render(template, { portalEmail: request.session?.portalEmail, portalPaths, idleMinutes: PORTAL_IDLE_MS / 60_000, ...context });

    const notFoundPage = (request: FastifyRequest, reply: FastifyReply) => render(request, reply, 'portal/not-found.njk', {}, 404);

    // Errors on portal pages look like the portal, and never tell someone else's case from no case.
    app.setErrorHandler(async (error: Error & { code?: string; statusCode?: number }, request, reply) => {
      if (error instanceof AppError && (error.code === 'not-found' || error.code === 'forbidden')) return notFoundPage(request, reply);
      if (error.code?.startsWith('FST_CSRF')) {
        return render(request, reply, 'portal/problem.njk', { message: 'Your form expired or was sent from elsewhere. Go back, refresh the page and try again.' }, 403);
      }
      throw error;
    });

    /** Only signed-in complainants past this point; others go to sign in, and come back after. */
    const requirePortal = async (request: FastifyRequest, reply: FastifyReply) => {
      const now = deps.services.clock.now().getTime();
      const seenAt = request.session.portalSeenAt;
      if (request.session.portalEmail && seenAt !== undefined && now - seenAt > PORTAL_IDLE_MS) {
        // Signed out after a while with nothing done, as the warning on every page says.
        request.session.portalEmail = undefined;
        request.session.portalSeenAt = undefined;
        return reply.redirect(`${portalPaths.signIn}?timedOut=1`, 303);
      }
      if (request.session.portalEmail) {
        const noted = seenAtAfter(seenAt, now);
        if (noted !== seenAt) request.session.portalSeenAt = noted;
        return;
      }
      if (request.method === 'GET') request.session.portalReturnTo = safePortalReturnTo(request.url.split('?')[0]);
      return reply.redirect(portalPaths.signIn, 303);
    };
    const signedInEmail = (request: FastifyRequest): string => {
      const email = request.session.portalEmail;
      if (!email) throw new Error('requirePortal must run before this handler');
      return email;
    };
    const referenceOf = (request: FastifyRequest) => (request.params as { reference: string }).reference;

    // ---- Signing in ----
    emailCodeSignInRoutes(app, {
      name: 'portal',
      services: deps.services,
      codes: complainantCodes,
      pepper,
      limits: () => settings().limits,
      paths: portalPaths,
      templates: { signIn: 'portal/sign-in.njk', checkEmail: 'portal/check-email.njk', newCode: 'portal/new-code.njk', signedOut: 'portal/signed-out.njk' },
      pendingEmail: 'portalPendingEmail',
      notices: ['timedOut'],
      render,
      signedInHome: async (request) => (request.session.portalEmail ? portalPaths.complaints : undefined),
      signedIn: async (request, reply, email) => {
        const returnTo = safePortalReturnTo(request.session.portalReturnTo);
        await request.session.regenerate();
        request.session.portalEmail = email;
        request.session.portalSeenAt = deps.services.clock.now().getTime();
        return reply.redirect(returnTo, 303);
      },
    });

    // ---- Complaints ----
    app.get(portalPaths.complaints, { preHandler: requirePortal }, async (request, reply) =>
      render(request, reply, 'portal/complaints.njk', { complaints: await listComplaints(deps.services, signedInEmail(request)) }));

    const showComplaint = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, status?: number) => {
      const view = await getComplaint(deps.services, signedInEmail(request), referenceOf(request));
      const flash = request.session.portalFlash;
      if (flash) request.session.portalFlash = undefined;
      const max = settings().maxUploadBytes;
      return render(request, reply, 'portal/case.njk', {
        view, c: view.c, values, errors, flash, maxUpload: sizeInWords(max), acceptedTypes: acceptedTypesSentence,
      }, status ?? (errors ? 400 : 200));
    };

    app.get('/complaints/:reference', { preHandler: requirePortal }, async (request, reply) => showComplaint(request, reply));

    app.get('/complaints/:reference/decision', { preHandler: requirePortal }, async (request, reply) => {
      const view = await getComplaint(deps.services, signedInEmail(request), referenceOf(request), { markRead: false });
      if (view.decision?.kind !== 'final') return notFoundPage(request, reply);
      return render(request, reply, 'portal/decision.njk', { view, c: view.c });
    });

    app.post('/complaints/:reference/messages', { preHandler: [requirePortal, app.csrfProtection] }, async (request, reply) => {
      const message = fieldOf(request.body, 'message');
      try {
        await sendComplainantMessage(deps.services, signedInEmail(request), referenceOf(request), { message });
        request.session.portalFlash = 'Your message has been sent';
        return reply.redirect(`${portalPaths.complaint(referenceOf(request))}#messages`, 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showComplaint(request, reply, { message }, error.fields);
        throw error;
      }
    });

    app.post('/complaints/:reference/documents', { preHandler: [requirePortal, app.csrfProtection] }, async (request, reply) => {
      const email = signedInEmail(request);
      const reference = referenceOf(request);
      const { scanner, maxUploadBytes } = settings();
      try {
        const file = request.isMultipart() ? await request.file({ limits: { fileSize: maxUploadBytes, files: 1 }, throwFileSizeLimit: false }) : undefined;
        if (!file || !file.filename) throw new AppError('invalid', uploadMessages.missing, { document: uploadMessages.missing });
        const content = await file.toBuffer();
        const outcome = await uploadPortalDocument(deps.services, scanner, email, reference, { fileName: file.filename, content, truncated: file.file.truncated }, maxUploadBytes);
        if (outcome.quarantined) return showComplaint(request, reply, {}, { document: outcome.message });
        request.session.portalFlash = `We have received your file ${outcome.fileName}`;
        return reply.redirect(`${portalPaths.complaint(reference)}#documents`, 303);
      } catch (error) {
        if (error instanceof ScanUnavailableError) {
          request.log.error({ err: error.cause }, 'virus scan failed');
          return showComplaint(request, reply, {}, error.fields, 503);
        }
        if (error instanceof AppError && error.code === 'invalid') return showComplaint(request, reply, {}, error.fields);
        throw error;
      }
    });

    app.get('/complaints/:reference/documents/:id', { preHandler: requirePortal }, async (request, reply) => {
      const raw = (request.params as { id: string }).id;
      if (!/^\d{1,15}$/.test(raw)) return notFoundPage(request, reply);
      const { document, content } = await getPortalDocument(deps.services, signedInEmail(request), referenceOf(request), Number(raw));
      const ascii = document.file_name.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(document.file_name)}`)
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(content);
    });
  };
}
