import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatLondonDate } from '../../domain/london-time.ts';
import { limits } from '../../services/complain/answers.ts';
import { findComplainableBody, listComplainableBodies } from '../../services/complain/bodies.ts';
import {
  createDraft,
  isDraftToken,
  loadDraft,
  saveAnswers,
  saveForLater,
  sentComplaint,
  submitDraft,
  type Draft,
} from '../../services/complain/drafts.ts';
import type { Answers } from '../../services/complain/answers.ts';
import { AppError } from '../../services/errors.ts';
import type { AppDeps } from '../app.ts';
import { field, type FormBody } from '../forms.ts';
import { afterSaving, answerSections, complainPaths, firstUnanswered, pathOf, questionPages } from './journey.ts';
import { formValues, isBlank, type BodyLookup, type FormValues, type QuestionPage } from './pages/page.ts';

declare module 'fastify' {
  interface Session {
    /** The online complaint this browser is writing (or has just sent). */
    complaintDraftId?: string;
  }
}

export interface ComplainRouteOptions {
  /**
   * The service's public address, e.g. 'https://complain.example.org', for the resume link in
   * emails. Without it the link is built from the request's Host header, which is only safe
   * behind a proxy that sets the Host itself.
   */
  publicUrl?: string | undefined;
}

const require = createRequire(import.meta.url);

/**
 * accessible-autocomplete's built files, for app.ts:
 * `await app.register(fastifyStatic, { ...accessibleAutocompleteAssets, decorateReply: false, maxAge: '1d' })`.
 */
export const accessibleAutocompleteAssets = {
  root: join(dirname(require.resolve('accessible-autocomplete/package.json')), 'dist'),
  prefix: '/vendor/accessible-autocomplete/',
  allowedPath: (path: string) => /^\/accessible-autocomplete\.min\.(css|js)(\.map)?$/.test(path),
};

const emailSchema = z
  .string()
  .min(1, 'Enter your email address')
  .max(limits.email, 'Email address must be 320 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.com'));

/** Pages a "Save and come back later" can come from, to go back to. */
const saveOrigins = new Set<string>([...questionPages.map((page) => page.key), 'complain-to-them-first', 'check-answers']);

/**
 * "Complain online": a GOV.UK question-per-page journey under /complain for the public. Answers
 * are saved to a draft as they go (its id in the session); a draft can be resumed from an emailed
 * link; sending it registers a 'web' contact and a case in assessment, once.
 */
export function complainRoutes(deps: AppDeps, options: ComplainRouteOptions = {}) {
  const services = deps.services;
  const lookup: BodyLookup = {
    findBody: (id) => findComplainableBody(services, id),
    listBodies: () => listComplainableBodies(services),
  };
  const everyFewMinutes = { rateLimit: { max: 300, timeWindow: '10 minutes' } };
  const sparingly = { rateLimit: { max: 30, timeWindow: '1 hour' } };

  async function currentDraft(request: FastifyRequest): Promise<Draft | undefined> {
    const id = request.session.complaintDraftId;
    if (!id) return undefined;
    const draft = await loadDraft(services, id);
    if (!draft) request.session.complaintDraftId = undefined;
    return draft;
  }

  function returning(request: FastifyRequest): boolean {
    return (request.query as Record<string, unknown> | undefined)?.returnTo === 'check';
  }

  function resumeUrl(request: FastifyRequest, token: string): string {
    const path = complainPaths.resume(token);
    if (options.publicUrl) return new URL(path, options.publicUrl).toString();
    return `${request.protocol}://${request.host}${path}`;
  }

  async function whereNext(answers: Answers): Promise<string> {
    return pathOf((await firstUnanswered(answers, lookup)) ?? 'check-answers');
  }

  async function renderQuestion(reply: FastifyReply, page: QuestionPage, answers: Answers, values: FormValues, back: boolean, errors?: Record<string, string>) {
    const context = page.context ? await page.context(answers, lookup) : {};
    return reply.code(errors ? 400 : 200).render(page.template, {
      ...context,
      limits,
      title: page.title,
      values,
      errors,
      answers,
      backHref: back ? complainPaths.checkAnswers : pathOf(page.previous(answers)),
      formAction: pathOf(page.key, back),
    });
  }

  /** Saves a page's answers, starting the draft on the first; undefined when the draft was sent meanwhile. */
  async function persist(request: FastifyRequest, draft: Draft | undefined, patch: Parameters<typeof saveAnswers>[2]): Promise<Answers | undefined> {
    if (draft) return saveAnswers(services, draft.id, patch);
    const id = await createDraft(services, patch);
    request.session.complaintDraftId = id;
    return (await loadDraft(services, id))?.answers;
  }

  async function renderCheckAnswers(reply: FastifyReply, draft: Draft, errors?: Record<string, string>) {
    const sections = answerSections(draft.answers).map((section) => ({
      heading: section.heading,
      rows: section.rows.map((row) => ({ ...row, href: pathOf(row.page, true) })),
    }));
    return reply.code(errors ? 400 : 200).render('complain/check-answers.njk', {
      title: 'Check your answers before sending your complaint',
      sections,
      submitAction: complainPaths.checkAnswers,
      errors,
      backHref: pathOf('adjustments'),
    });
  }

  return async (app: FastifyInstance) => {
    // Answers are personal: never cached, so the back button after sending asks the server again.
    app.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });

    app.get(complainPaths.start, async (_request, reply) =>
      reply.render('complain/start.njk', { title: 'Complain to the Ombudsman', startHref: complainPaths.begin, signInHref: complainPaths.signIn }),
    );

    // "Start now": a sent complaint is finished with; one being written carries on.
    app.get(complainPaths.begin, async (request, reply) => {
      const draft = await currentDraft(request);
      if (draft?.submittedAt) request.session.complaintDraftId = undefined;
      return reply.redirect(pathOf('who-is-it-about'), 303);
    });

    for (const page of questionPages) {
      app.get(pathOf(page.key), async (request, reply) => {
        const draft = await currentDraft(request);
        if (draft?.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
        const answers = draft?.answers ?? {};
        if (!page.applies(answers)) return reply.redirect(await whereNext(answers), 303);
        return renderQuestion(reply, page, answers, page.values(answers), returning(request));
      });

      app.post(pathOf(page.key), { preHandler: app.csrfProtection, config: everyFewMinutes }, async (request, reply) => {
        const body = (request.body ?? {}) as FormBody;
        const values = formValues(body, page.fields);
        const saving = field(body, 'action') === 'save';
        const back = returning(request);
        const draft = await currentDraft(request);
        if (draft?.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
        const before = draft?.answers ?? {};
        if (!page.applies(before)) return reply.redirect(await whereNext(before), 303);
        const saveHref = `${complainPaths.save}?from=${page.key}`;
        // "Save and come back later" from an empty page saves what there is so far.
        if (saving && isBlank(values)) return reply.redirect(saveHref, 303);

        const result = await page.parse(values, lookup);
        if (!result.ok) return renderQuestion(reply, page, before, values, back, result.errors);
        const answers = await persist(request, draft, result.patch);
        if (!answers) return reply.redirect(complainPaths.confirmation, 303);
        if (saving) return reply.redirect(saveHref, 303);
        return reply.redirect(await afterSaving(page, answers, back, lookup), 303);
      });
    }

    // Not complained to the body yet: tell them to, and why; let those with a reason carry on.
    app.get(complainPaths.interruption, async (request, reply) => {
      const draft = await currentDraft(request);
      if (draft?.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
      const answers = draft?.answers ?? {};
      if (answers.complainedToBody !== 'no') return reply.redirect(await whereNext(answers), 303);
      const back = returning(request);
      return reply.render('complain/complain-to-them-first.njk', {
        title: 'Complain to the council or care provider first',
        bodyName: answers.bodyNotListed ? answers.careProviderName : answers.bodyName,
        continueHref: pathOf('reason-for-complaining-now', back),
        saveHref: `${complainPaths.save}?from=complain-to-them-first`,
        backHref: back ? complainPaths.checkAnswers : pathOf('complained-already'),
      });
    });

    app.get(complainPaths.checkAnswers, async (request, reply) => {
      const draft = await currentDraft(request);
      if (!draft) return reply.redirect(pathOf('who-is-it-about'), 303);
      if (draft.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
      const missing = await firstUnanswered(draft.answers, lookup);
      if (missing) return reply.redirect(pathOf(missing), 303);
      return renderCheckAnswers(reply, draft);
    });

    // Sending: idempotent per draft (see submitDraft), so a double click or a resend makes one case.
    app.post(complainPaths.checkAnswers, { preHandler: app.csrfProtection, config: sparingly }, async (request, reply) => {
      const draft = await currentDraft(request);
      if (!draft) return reply.redirect(pathOf('who-is-it-about'), 303);
      if (!draft.submittedAt) {
        const missing = await firstUnanswered(draft.answers, lookup);
        if (missing) return reply.redirect(pathOf(missing), 303);
      }
      try {
        await submitDraft(services, draft.id);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') {
          // Say, the body chosen has gone from our list since: back to the question that needs answering again.
          const fresh = (await currentDraft(request)) ?? draft;
          const missing = await firstUnanswered(fresh.answers, lookup);
          if (missing) return reply.redirect(pathOf(missing), 303);
          return renderCheckAnswers(reply, fresh, { form: error.message });
        }
        throw error;
      }
      return reply.redirect(complainPaths.confirmation, 303);
    });

    app.get(complainPaths.confirmation, async (request, reply) => {
      const draft = await currentDraft(request);
      if (!draft) return reply.redirect(complainPaths.start, 303);
      if (!draft.submittedAt) return reply.redirect(complainPaths.checkAnswers, 303);
      const complaint = await sentComplaint(services, draft);
      if (!complaint) {
        return reply.render('complain/sending.njk', { title: 'We are still sending your complaint', retryAction: complainPaths.checkAnswers });
      }
      return reply.render('complain/confirmation.njk', {
        title: 'Complaint sent',
        reference: complaint.reference,
        respondBy: formatLondonDate(complaint.respondBy),
        // Where the acknowledgement went: as submitDraft chose.
        sentTo: draft.answers.contactPreference === 'sms' && draft.answers.phone ? `${draft.answers.phone} by text message` : draft.answers.email,
        premature: draft.answers.complainedToBody === 'no',
        signInHref: complainPaths.signIn,
        againHref: complainPaths.begin,
      });
    });

    app.get(complainPaths.save, async (request, reply) => {
      const draft = await currentDraft(request);
      if (draft?.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
      const from = saveOrigin(request.query);
      return renderSave(reply, from, { email: draft?.email ?? draft?.answers.email ?? '' });
    });

    app.post(complainPaths.save, { preHandler: app.csrfProtection, config: sparingly }, async (request, reply) => {
      const body = (request.body ?? {}) as FormBody;
      const from = saveOrigin(body);
      const email = field(body, 'email');
      const parsed = emailSchema.safeParse(email);
      if (!parsed.success) return renderSave(reply, from, { email }, { email: parsed.error.issues[0]?.message ?? 'Enter your email address' });
      let draft = await currentDraft(request);
      if (draft?.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
      if (!draft) {
        const id = await createDraft(services);
        request.session.complaintDraftId = id;
        draft = await loadDraft(services, id);
      }
      const saved = draft ? await saveForLater(services, draft.id, parsed.data, (token) => resumeUrl(request, token)) : undefined;
      if (!saved) return reply.redirect(complainPaths.start, 303);
      return reply.render('complain/saved.njk', { title: 'Your answers have been saved', email: parsed.data, expiresOn: formatLondonDate(saved.expiresOn), continueHref: pathOf(from) });
    });

    app.get<{ Params: { token: string } }>(complainPaths.resume(':token'), async (request, reply) => {
      const token = request.params.token;
      const draft = isDraftToken(token) ? await loadDraft(services, token) : undefined;
      if (!draft) return reply.code(404).render('complain/link-expired.njk', { title: 'This link has expired', startHref: complainPaths.start });
      request.session.complaintDraftId = draft.id;
      if (draft.submittedAt) return reply.redirect(complainPaths.confirmation, 303);
      return reply.redirect(await whereNext(draft.answers), 303);
    });
  };

  function saveOrigin(source: unknown): 'check-answers' | 'complain-to-them-first' | QuestionPage['key'] {
    const from = String((source as Record<string, unknown> | undefined)?.from ?? '');
    if (saveOrigins.has(from)) return from as 'check-answers' | 'complain-to-them-first' | QuestionPage['key'];
    return 'who-is-it-about';
  }

  function renderSave(reply: FastifyReply, from: ReturnType<typeof saveOrigin>, values: FormValues, errors?: Record<string, string>) {
    return reply.code(errors ? 400 : 200).render('complain/save.njk', {
      title: 'Save your answers and come back later',
      values,
      errors,
      origin: from,
      saveAction: complainPaths.save,
      backHref: pathOf(from),
    });
  }
}
