/**
 * Helpers for the link officers' service tests: an application with fake virus scanning and
 * generous sign-in limits, a browser-like client with its own address that can send a form with
 * a file, signing in with the emailed code, and cases brought to an enquiry or to compliance
 * through the services.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../src/data/db.ts';
import { insertLinkOfficer } from '../../src/data/repositories/link-officers.ts';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { VirusScanError, type VirusScanner } from '../../src/files/virus-scan.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { issueFinalDecision, sendEnquiry, shareDraftDecision, type FinalDecisionInput } from '../../src/services/investigation.ts';
import { configurePortal } from '../../src/web/portal/settings.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { EmailCodeClient, filePart, textPart } from '../helpers/email-code.ts';
import { titleOf } from '../helpers/pages.ts';
import { actor, registerTestCase, today } from '../helpers/staff-actions.ts';

export { latestCode } from '../helpers/email-code.ts';
export { errorSummaryOf, escapeHtml, titleOf } from '../helpers/pages.ts';
export { actor, caseEvents, today } from '../helpers/staff-actions.ts';

/** Flags files holding a marker, fails on another: quarantine without needing ClamAV. */
export const fakeScanner: VirusScanner = {
  name: 'fake',
  async scan(content) {
    if (content.includes('FAKE-VIRUS-MARKER')) return { clean: false, signature: 'Test.Fake-Virus' };
    if (content.includes('SCANNER-IS-DOWN')) throw new VirusScanError('clamd did not answer');
    return { clean: true };
  },
};

export async function createBodiesTestApp(engine: Engine, now?: Date): Promise<TestApp> {
  const t = await createTestApp(engine, now);
  configurePortal(t.services, { scanner: fakeScanner, maxUploadBytes: 1_048_576, limits: { codesPerEmailPerHour: 100, codesPerIpPerHour: 1000, codeChecksPerIpPerHour: 1000 } });
  return t;
}

export function fixture(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'files', name));
}

/** Adds a link officer straight to the table (the staff pages are tested on their own). */
export async function addOfficer(t: TestApp, bodyIndex: number, officer: { email: string; fullName: string }): Promise<number> {
  return insertLinkOfficer(t.database.db, t.bodyIds[bodyIndex] as number, { email: officer.email.toLowerCase(), fullName: officer.fullName, phone: null }, t.clock.now());
}

export async function bodyName(t: TestApp, bodyIndex: number): Promise<string> {
  const row = await t.database.db.selectFrom('bodies').select('name').where('id', '=', t.bodyIds[bodyIndex] as number).executeTakeFirstOrThrow();
  return row.name;
}

let people = 0;

/** A complaint about the body (or bodies) at these indexes; returns its reference. */
export async function registerBodyCase(t: TestApp, bodyIndexes: number[] = [0], complainant: { fullName?: string; email?: string | null; phone?: string | null; address?: string | null } = {}): Promise<string> {
  return registerTestCase(t, {
    complainant: {
      fullName: complainant.fullName ?? `Body Case Person ${++people}`, email: complainant.email ?? null, phone: complainant.phone ?? null, address: complainant.address ?? null,
    },
    bodyIds: bodyIndexes.map((i) => t.bodyIds[i] as number),
    summary: 'The council lost my housing application and did not answer my letters. PRIVATE-COMPLAINT-TEXT',
  });
}

/** A case under investigation with an enquiry to the body at `bodyIndex`; returns the reference and the enquiry's id. */
export async function caseWithEnquiry(t: TestApp, bodyIndex = 0, options: { question?: string; dueInDays?: number; bodyIndexes?: number[] } = {}) {
  const reference = await registerBodyCase(t, options.bodyIndexes ?? [bodyIndex]);
  await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
  await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds.investigator);
  await sendEnquiry(t.services, reference, actor(t, 'investigator'), {
    bodyId: t.bodyIds[bodyIndex] as number, question: options.question ?? 'Please send us your records of the housing application.', dueOn: addCalendarDays(today(t), options.dueInDays ?? 20),
  });
  const row = await t.database.db
    .selectFrom('enquiries as q')
    .innerJoin('cases as c', 'c.id', 'q.case_id')
    .select('q.id')
    .where('c.reference', '=', reference)
    .orderBy('q.id', 'desc')
    .executeTakeFirstOrThrow();
  return { reference, enquiryId: row.id };
}

/** A case whose final decision recommends remedies (one apology by default), now in compliance. */
export async function caseInCompliance(t: TestApp, bodyIndexes: number[] = [0], remedies?: FinalDecisionInput['remedies'], complainant?: Parameters<typeof registerBodyCase>[2]) {
  const reference = await registerBodyCase(t, bodyIndexes, complainant);
  await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
  await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds.investigator);
  await shareDraftDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: 'upheld-fault-injustice', reasons: 'Draft: the council was at fault.', commentsDueOn: addCalendarDays(today(t), 14),
  });
  const { remedyIds } = await issueFinalDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: 'upheld-fault-injustice', reasons: 'Final: the council was at fault.',
    remedies: remedies ?? [{ kind: 'apology', description: 'Apologise in writing to the complainant', dueOn: addCalendarDays(today(t), 28) }],
  });
  return { reference, remedyIds };
}

let nextAddress = 1;

/** A browser on the link officers' service, from its own client address. */
export class BodiesClient extends EmailCodeClient {
  constructor(app: FastifyInstance) {
    const n = nextAddress++;
    super(app, `10.88.${(n >> 8) & 255}.${n & 255}`, { signIn: '/bodies/sign-in', checkEmail: '/bodies/sign-in/check-email' });
  }

  /** A form with text fields and an optional file, as the enquiry and remedy pages send it: multipart, CSRF token in the query. */
  async postWithFile(url: string, fields: Record<string, string>, file?: { name: string; content: Buffer; type?: string }, options: { csrf?: boolean } = {}) {
    const parts = Object.entries(fields).map(([name, value]) => textPart(name, value));
    // A file input left empty still sends a part, with no file name and nothing in it.
    return this.postMultipart(url, [...parts, ...filePart(file ?? { name: '', content: Buffer.alloc(0) })], options);
  }

  /** Signs in all the way, reading the code from the notifications table; `choose` picks the body when there are several. */
  async signIn(t: TestApp, email: string, choose?: number) {
    const response = await this.enterCode(t, email);
    if (response.headers.location === '/bodies/choose-body') {
      if (choose === undefined) throw new Error(`${email} acts for several bodies: say which`);
      await this.get('/bodies/choose-body');
      const chosen = await this.post('/bodies/choose-body', { linkOfficerId: String(choose) });
      if (chosen.statusCode !== 303) throw new Error(`choosing ${choose} failed: ${chosen.statusCode}`);
    }
    return this;
  }
}

export async function notificationsTo(t: TestApp, recipient: string, template?: string) {
  let query = t.database.db.selectFrom('notifications').selectAll().where('recipient', '=', recipient.toLowerCase());
  if (template) query = query.where('template', '=', template);
  return query.orderBy('id').execute();
}

export const SERVICE = 'Ombudsman link officer service';

/** This service's "Page not found" (404): the same for another body's thing as for nothing at all. */
export function isBodiesNotFound(response: LightMyRequestResponse): boolean {
  return response.statusCode === 404 && titleOf(response.body) === `Page not found - ${SERVICE}`;
}
/** A date `days` from today as the three fields of the date input called `name`. */
export function dateFields(t: TestApp, name: string, days: number): Record<string, string> {
  const [year, month, day] = addCalendarDays(today(t), days).split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year as string };
}
