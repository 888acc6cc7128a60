import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parsePlanYear, planYearName } from '../../domain/body-statistics.ts';
import { STATEMENT_MAX_LENGTH } from '../../domain/annual-letters.ts';
import { AppError, notFound } from '../../services/errors.ts';
import { yearDefaultStatement } from '../../services/letters/generate-letter.ts';
import { letterRoles } from '../../services/letters/letter-access.ts';
import { latestLetterBatchProgress, letterBatchProgress, letterPlanYears, requestLetterBatch } from '../../services/letters/letter-batches.ts';
import {
  draftLetterFile, editLetterStatement, letterDetails, listLetters, publishLetter, regenerateLetter, reviewLetter, unpublishLetter, type LetterStatus,
} from '../../services/letters/letter-review.ts';
import { councilPaths } from '../../services/body-statistics.ts';
import type { AppDeps } from '../app.ts';
import { attachmentDisposition, field, parseId, type FormBody } from '../forms.ts';
import { requireRole, signedIn } from './guards.ts';

/** Every URL of the annual letters pages, for routes and templates alike. */
export const letterPaths = {
  index: '/staff/letters',
  year: (year: number) => `/staff/letters/${year}`,
  batches: (year: number) => `/staff/letters/${year}/batches`,
  batch: (year: number, id: number) => `/staff/letters/${year}/batches/${id}`,
  batchProgress: (year: number, id: number) => `/staff/letters/${year}/batches/${id}/progress.json`,
  letter: (year: number, code: string) => `/staff/letters/${year}/councils/${encodeURIComponent(code)}`,
  letterPdf: (year: number, code: string) => `/staff/letters/${year}/councils/${encodeURIComponent(code)}/letter.pdf`,
  letterAction: (year: number, code: string, action: LetterAction) => `/staff/letters/${year}/councils/${encodeURIComponent(code)}/${action}`,
};

const letterActions = ['statement', 'generate', 'review', 'publish', 'unpublish'] as const;
type LetterAction = (typeof letterActions)[number];

const doneMessages: Record<LetterAction | 'unchanged', string> = {
  unchanged: 'Nothing had changed, so the letter is as it was.',
  statement: 'Statement saved and the letter generated again. It needs reviewing again.',
  generate: 'Letter generated with the latest figures.',
  review: 'Letter marked as reviewed. It can now be published.',
  publish: 'Letter published on the council’s page.',
  unpublish: 'Letter unpublished. It is no longer on the council’s page.',
};

export const statusTags: Record<LetterStatus, { text: string; classes: string }> = {
  'not-generated': { text: 'Not generated', classes: 'govuk-tag--grey' },
  generated: { text: 'Generated', classes: 'govuk-tag--blue' },
  reviewed: { text: 'Reviewed', classes: 'govuk-tag--yellow' },
  published: { text: 'Published', classes: 'govuk-tag--green' },
};

export function letterRoutes(deps: AppDeps) {
  const services = deps.services;
  const guard = requireRole(...letterRoles);
  return async (app: FastifyInstance) => {
    /** The plan year in the URL, when letters can be written for it; otherwise not found. */
    const yearOf = async (request: FastifyRequest): Promise<number> => {
      const year = parsePlanYear((request.params as { year?: string }).year);
      if (year === null || !(await letterPlanYears(services)).includes(year)) throw notFound('Plan year');
      return year;
    };

    app.get(letterPaths.index, { preHandler: guard }, async (request, reply) => {
      const years = await letterPlanYears(services);
      const chosen = (request.query as { year?: unknown }).year;
      if (chosen === undefined) return reply.render('staff/letters/choose-year.njk', { years, values: {} });
      const year = parsePlanYear(chosen);
      if (year !== null && years.includes(year)) return reply.redirect(letterPaths.year(year), 303);
      return reply.code(400).render('staff/letters/choose-year.njk', { years, values: { year: typeof chosen === 'string' ? chosen : '' }, errors: { year: 'Choose a plan year that has ended' } });
    });

    const showYear = async (request: FastifyRequest, reply: FastifyReply, year: number, values: Record<string, string> = {}, errors?: Record<string, string>) => {
      const staff = signedIn(request);
      const [letters, batch, statement] = await Promise.all([listLetters(services, staff, year), latestLetterBatchProgress(services, staff, year), yearDefaultStatement(services, year)]);
      const counts = { generated: 0, reviewed: 0, published: 0, 'not-generated': 0 } as Record<LetterStatus, number>;
      for (const letter of letters) counts[letter.status] += 1;
      return reply.code(errors ? 400 : 200).render('staff/letters/year.njk', {
        year, yearName: planYearName(year), letters, counts, batch, statusTags, letterPaths,
        values: { statement, ...values }, errors, statementMaxLength: STATEMENT_MAX_LENGTH,
      });
    };

    app.get('/staff/letters/:year', { preHandler: guard }, async (request, reply) => showYear(request, reply, await yearOf(request)));

    app.post('/staff/letters/:year/batches', { preHandler: [guard, app.csrfProtection] }, async (request, reply) => {
      const year = await yearOf(request);
      const statement = field((request.body ?? {}) as FormBody, 'statement');
      try {
        const { batchId } = await requestLetterBatch(services, signedIn(request), { planYear: year, statement });
        return reply.redirect(letterPaths.batch(year, batchId), 303);
      } catch (error) {
        if (error instanceof AppError && error.code === 'invalid') return showYear(request, reply, year, { statement }, error.fields);
        throw error;
      }
    });

    const batchOf = async (request: FastifyRequest, year: number) => {
      const id = parseId((request.params as { id?: string }).id);
      if (id === undefined) throw notFound('Batch');
      const progress = await letterBatchProgress(services, signedIn(request), id);
      if (progress.planYear !== year) throw notFound('Batch');
      return progress;
    };

    app.get('/staff/letters/:year/batches/:id', { preHandler: guard }, async (request, reply) => {
      const year = await yearOf(request);
      const batch = await batchOf(request, year);
      return reply.header('cache-control', 'no-store').render('staff/letters/batch.njk', { year, yearName: planYearName(year), batch, letterPaths });
    });

    app.get('/staff/letters/:year/batches/:id/progress.json', { preHandler: guard }, async (request, reply) => {
      const year = await yearOf(request);
      const batch = await batchOf(request, year);
      return reply.header('cache-control', 'no-store').send({
        total: batch.total, done: batch.done, failed: batch.failed, percent: batch.percent, finished: batch.finished,
      });
    });

    const codeOf = (request: FastifyRequest) => (request.params as { code: string }).code;

    const showLetter = async (request: FastifyRequest, reply: FastifyReply, year: number, options: { status?: number; values?: Record<string, string>; errors?: Record<string, string> } = {}) => {
      const staff = signedIn(request);
      const letter = await letterDetails(services, staff, codeOf(request), year);
      const done = (request.query as { done?: string }).done;
      return reply.code(options.status ?? 200).render('staff/letters/letter.njk', {
        year, yearName: planYearName(year), letter, statusTags, letterPaths,
        publicUrl: councilPaths.annualLetter(letter.code, year),
        flash: options.errors || !done || !Object.hasOwn(doneMessages, done) ? undefined : doneMessages[done as keyof typeof doneMessages],
        values: { statement: letter.letter?.statement_text ?? '', ...options.values },
        errors: options.errors, statementMaxLength: STATEMENT_MAX_LENGTH,
      });
    };

    app.get('/staff/letters/:year/councils/:code', { preHandler: guard }, async (request, reply) => showLetter(request, reply, await yearOf(request)));

    app.get('/staff/letters/:year/councils/:code/letter.pdf', { preHandler: guard }, async (request, reply) => {
      const year = await yearOf(request);
      const file = await draftLetterFile(services, signedIn(request), codeOf(request), year);
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', attachmentDisposition(`draft-${file.fileName}`))
        .header('cache-control', 'private, no-store')
        .send(file.content);
    });

    for (const action of letterActions) {
      app.post(`/staff/letters/:year/councils/:code/${action}`, { preHandler: [guard, app.csrfProtection] }, async (request, reply) => {
        const year = await yearOf(request);
        const code = codeOf(request);
        const staff = signedIn(request);
        const body = (request.body ?? {}) as FormBody;
        try {
          let outcome: string = action;
          if (action === 'statement') outcome = (await editLetterStatement(services, staff, code, year, field(body, 'statement'))) === 'unchanged' ? 'unchanged' : action;
          else if (action === 'generate') outcome = (await regenerateLetter(services, staff, code, year)) === 'unchanged' ? 'unchanged' : action;
          else if (action === 'review') await reviewLetter(services, staff, code, year, field(body, 'version'));
          else if (action === 'publish') await publishLetter(services, staff, code, year);
          else await unpublishLetter(services, staff, code, year);
          return reply.redirect(`${letterPaths.letter(year, code)}?done=${outcome}`, 303);
        } catch (error) {
          if (error instanceof AppError && ['invalid', 'illegal', 'conflict'].includes(error.code)) {
            const errors = error.code === 'invalid' ? error.fields : { [action]: error.message };
            return showLetter(request, reply, year, { status: error.code === 'invalid' ? 400 : 409, values: action === 'statement' ? { statement: field(body, 'statement') } : {}, errors });
          }
          throw error;
        }
      });
    }
  };
}
