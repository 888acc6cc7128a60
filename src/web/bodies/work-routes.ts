import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerEnquiry, checkEnquiryAnswer, getBodyEnquiry, recordQuarantinedUpload } from '../../services/bodies/enquiries.ts';
import { checkEvidenceFile, quarantinedMessage, scanAndStoreEvidence, type StoredEvidence } from '../../services/bodies/evidence-upload.ts';
import { linkOfficerChoices } from '../../services/bodies/sign-in.ts';
import { bodyWorkList, getBodyCase, getBodyDocument, getBodyRemedy } from '../../services/bodies/work.ts';
import { checkLinkOfficerConfirmation, confirmComplianceByLinkOfficer } from '../../services/compliance.ts';
import { AppError, notFound } from '../../services/errors.ts';
import { ScanUnavailableError, sizeInWords } from '../../services/portal/documents.ts';
import { acceptedTypesSentence } from '../../services/portal/file-types.ts';
import { attachmentDisposition, dateInput, field, parseId, type FormBody } from '../forms.ts';
import type { BodiesRouteContext } from './context.ts';
import { readFormWithFile } from './form-with-file.ts';
import { bodiesPaths } from './paths.ts';
import { requireLinkOfficer, signedInOfficer } from './session.ts';

/** Runs `work`, adding the fields of an `invalid` error to `errors` instead of throwing it. */
async function collecting<T>(errors: Record<string, string>, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid') {
      for (const [name, message] of Object.entries(error.fields)) errors[name] ??= message;
      return undefined;
    }
    throw error;
  }
}

/**
 * A link officer's work: the home page (what we are waiting for from their body), an enquiry to
 * answer, a remedy to confirm, a case and the documents their body sent. Every page is their own
 * body's only: anything else is "not found", the same as something that does not exist.
 */
export function registerBodiesWorkRoutes(app: FastifyInstance, context: BodiesRouteContext): void {
  const { deps, settings, render } = context;
  const services = deps.services;
  const signedIn = requireLinkOfficer(services);
  const idOf = (request: FastifyRequest) => {
    const id = parseId((request.params as { id: string }).id);
    if (id === undefined) throw notFound();
    return id;
  };
  const takeFlash = (request: FastifyRequest) => {
    const flash = request.session.linkOfficerFlash;
    if (flash) request.session.linkOfficerFlash = undefined;
    return flash;
  };
  const uploadHint = () => `The file must be ${acceptedTypesSentence}, smaller than ${sizeInWords(settings().maxUploadBytes)}.`;

  /**
   * Checks, scans and stores the file sent with an answer, after the answer itself passed its
   * checks. A file with a virus is recorded as quarantined, and the answer is not taken.
   */
  const storeEvidence = async (file: Parameters<typeof checkEvidenceFile>[0], quarantine: (evidence: StoredEvidence) => Promise<unknown>) => {
    const checked = await checkEvidenceFile(file, settings().maxUploadBytes);
    const stored = await scanAndStoreEvidence(services, settings().scanner, checked);
    if (stored.scanStatus === 'quarantined') {
      await quarantine(stored);
      throw new AppError('invalid', quarantinedMessage(stored), { document: quarantinedMessage(stored) });
    }
    return stored;
  };

  app.get(bodiesPaths.home, { preHandler: signedIn }, async (request, reply) => {
    const officer = signedInOfficer(request);
    const [work, choices] = await Promise.all([bodyWorkList(services, officer), linkOfficerChoices(services, officer.email)]);
    return render(request, reply, 'bodies/home.njk', { work, flash: takeFlash(request), otherBodies: choices.length > 1 });
  });

  // ---- Enquiries ----

  const showEnquiry = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, status?: number) => {
    const view = await getBodyEnquiry(services, signedInOfficer(request), idOf(request));
    return render(request, reply, 'bodies/enquiry.njk', { view, q: view.enquiry, values, errors, uploadHint: uploadHint() }, status ?? (errors ? 400 : 200));
  };

  app.get('/bodies/enquiries/:id', { preHandler: signedIn }, async (request, reply) => showEnquiry(request, reply));

  app.post('/bodies/enquiries/:id', { preHandler: [signedIn, app.csrfProtection] }, async (request, reply) => {
    const officer = signedInOfficer(request);
    const enquiryId = idOf(request);
    const form = await readFormWithFile(request, settings().maxUploadBytes);
    const values = { response: field(form.fields, 'response') };
    const errors: Record<string, string> = {};
    try {
      const checked = await collecting(errors, () => checkEnquiryAnswer(services, officer, enquiryId, values));
      if (form.file) await collecting(errors, () => checkEvidenceFile(form.file as NonNullable<typeof form.file>, settings().maxUploadBytes));
      if (!checked || Object.keys(errors).length) return await showEnquiry(request, reply, values, errors);
      const evidence = form.file
        ? await storeEvidence(form.file, (stored) => recordQuarantinedUpload(services, officer, checked.enquiry.reference, 'record-enquiry-response', stored))
        : undefined;
      const answered = await answerEnquiry(services, officer, enquiryId, values, evidence);
      request.session.linkOfficerFlash = `Thank you. We have your response to our enquiry about case ${answered.reference}.`;
      return reply.redirect(bodiesPaths.home, 303);
    } catch (error) {
      if (error instanceof ScanUnavailableError) {
        request.log.error({ err: error.cause }, 'virus scan failed');
        return showEnquiry(request, reply, values, error.fields, 503);
      }
      if (error instanceof AppError && error.code === 'invalid') return showEnquiry(request, reply, values, error.fields);
      throw error;
    }
  });

  // ---- Remedies ----

  const showRemedy = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: Record<string, string>, status?: number) => {
    const view = await getBodyRemedy(services, signedInOfficer(request), idOf(request));
    return render(request, reply, 'bodies/remedy.njk', { view, r: view.remedy, values, errors, uploadHint: uploadHint(), errorTargets: { doneOn: 'doneOn-day' } }, status ?? (errors ? 400 : 200));
  };

  app.get('/bodies/remedies/:id', { preHandler: signedIn }, async (request, reply) => showRemedy(request, reply));

  app.post('/bodies/remedies/:id', { preHandler: [signedIn, app.csrfProtection] }, async (request, reply) => {
    const officer = signedInOfficer(request);
    const remedyId = idOf(request);
    const form = await readFormWithFile(request, settings().maxUploadBytes);
    const body: FormBody = form.fields;
    const values: Record<string, string> = {
      whatWasDone: field(body, 'whatWasDone'), 'doneOn-day': field(body, 'doneOn-day'), 'doneOn-month': field(body, 'doneOn-month'), 'doneOn-year': field(body, 'doneOn-year'),
    };
    const errors: Record<string, string> = {};
    const doneOn = dateInput(body, 'doneOn', 'the date it was done');
    try {
      const input = { whatWasDone: values.whatWasDone as string, doneOn: doneOn.value ?? '' };
      const checked = await collecting(errors, () => checkLinkOfficerConfirmation(services, officer, remedyId, input));
      // The form's own reading of the date says best what is wrong with it.
      if (doneOn.error) errors.doneOn = doneOn.error;
      if (form.file) await collecting(errors, () => checkEvidenceFile(form.file as NonNullable<typeof form.file>, settings().maxUploadBytes));
      if (!checked || Object.keys(errors).length) return await showRemedy(request, reply, values, errors);
      const evidence = form.file
        ? await storeEvidence(form.file, (stored) => recordQuarantinedUpload(services, officer, checked.remedy.reference, 'record-compliance', stored))
        : undefined;
      const confirmed = await confirmComplianceByLinkOfficer(services, officer, remedyId, input, evidence);
      request.session.linkOfficerFlash = confirmed.caseClosed
        ? `Thank you. We have recorded that the remedy was done. Case ${confirmed.reference} is now closed.`
        : `Thank you. We have recorded that the remedy was done on case ${confirmed.reference}.`;
      return reply.redirect(bodiesPaths.home, 303);
    } catch (error) {
      if (error instanceof ScanUnavailableError) {
        request.log.error({ err: error.cause }, 'virus scan failed');
        return showRemedy(request, reply, values, error.fields, 503);
      }
      if (error instanceof AppError && error.code === 'invalid') return showRemedy(request, reply, values, { ...error.fields, ...(doneOn.error ? { doneOn: doneOn.error } : {}) });
      throw error;
    }
  });

  // ---- Cases and documents ----

  app.get('/bodies/cases/:reference', { preHandler: signedIn }, async (request, reply) => {
    const view = await getBodyCase(services, signedInOfficer(request), (request.params as { reference: string }).reference);
    return render(request, reply, 'bodies/case.njk', { view, c: view.c });
  });

  app.get('/bodies/cases/:reference/documents/:id', { preHandler: signedIn }, async (request, reply) => {
    const { document, content } = await getBodyDocument(services, signedInOfficer(request), (request.params as { reference: string }).reference, idOf(request));
    return reply
      .type('application/octet-stream')
      .header('content-disposition', attachmentDisposition(document.file_name))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(content);
  });
}
