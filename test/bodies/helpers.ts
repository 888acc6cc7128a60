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
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import { addCalendarDays, londonDate } from '../../src/domain/london-time.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { VirusScanError, type VirusScanner } from '../../src/files/virus-scan.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { registerContact } from '../../src/services/intake.ts';
import { issueFinalDecision, sendEnquiry, shareDraftDecision, type FinalDecisionInput } from '../../src/services/investigation.ts';
import { configurePortal } from '../../src/web/portal/settings.ts';
import { createTestApp, PASSWORD, testStaff, type TestApp, type TestStaffName } from '../helpers/app.ts';

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

export function actor(t: TestApp, who: TestStaffName): Actor {
  return { id: t.staffIds[who], roles: [...testStaff[who].roles] as Role[] };
}

export function today(t: TestApp): string {
  return londonDate(t.clock.now());
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
  const result = await registerContact(t.services, actor(t, 'intake'), {
    channel: 'email',
    receivedAt: new Date(t.clock.now().getTime() - 3_600_000),
    complainant: {
      fullName: complainant.fullName ?? `Body Case Person ${++people}`, email: complainant.email ?? null, phone: complainant.phone ?? null, address: complainant.address ?? null,
    },
    representative: null,
    bodyIds: bodyIndexes.map((i) => t.bodyIds[i] as number),
    summary: 'The council lost my housing application and did not answer my letters. PRIVATE-COMPLAINT-TEXT',
    outcome: 'case-created',
    category: 'Housing',
    subcategory: 'Homelessness',
    jurisdiction: 'local-government',
  });
  if (!result.reference) throw new Error('no reference');
  return result.reference;
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

/** A browser: keeps its cookie, reads the CSRF token from the last page, comes from its own address. */
export class BodiesClient {
  cookie = '';
  csrf = '';
  readonly address: string;
  constructor(readonly app: FastifyInstance) {
    const n = nextAddress++;
    this.address = `10.88.${(n >> 8) & 255}.${n & 255}`;
  }

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string }[]) if (c.name === 'redress.sid') this.cookie = `redress.sid=${c.value}`;
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? /\?_csrf=([^"&]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = decodeURIComponent(token);
    return response;
  }

  private headers(extra: Record<string, string> = {}) {
    return { 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.headers() }));
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) body.append(k, v);
    return this.remember(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }) }),
    );
  }

  /** A form with text fields and an optional file, as the enquiry and remedy pages send it: multipart, CSRF token in the query. */
  async postWithFile(url: string, fields: Record<string, string>, file?: { name: string; content: Buffer; type?: string }, options: { csrf?: boolean } = {}) {
    const boundary = '----bodies-test-boundary';
    const parts: Buffer[] = [];
    for (const [name, value] of Object.entries(fields)) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    }
    // A file input left empty still sends a part, with no file name and nothing in it.
    const chosen = file ?? { name: '', content: Buffer.alloc(0), type: 'application/octet-stream' };
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${chosen.name}"\r\nContent-Type: ${chosen.type ?? 'application/octet-stream'}\r\n\r\n`),
      chosen.content,
      Buffer.from('\r\n'),
    );
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const query = options.csrf === false ? '' : `?_csrf=${encodeURIComponent(this.csrf)}`;
    return this.remember(
      await this.app.inject({
        method: 'POST', url: `${url}${query}`, payload: Buffer.concat(parts),
        headers: this.headers({ 'content-type': `multipart/form-data; boundary=${boundary}` }),
      }),
    );
  }

  /** Asks for a code for `email`; returns the response to the email form. */
  async requestCode(email: string) {
    await this.get('/bodies/sign-in');
    return this.post('/bodies/sign-in', { email });
  }

  /** Signs in all the way, reading the code from the notifications table; `choose` picks the body when there are several. */
  async signIn(t: TestApp, email: string, choose?: number) {
    const asked = await this.requestCode(email);
    if (asked.statusCode !== 303) throw new Error(`asking for a code for ${email} failed: ${asked.statusCode}`);
    await this.get('/bodies/sign-in/check-email');
    const code = await latestCode(t, email);
    if (!code) throw new Error(`no code was sent to ${email}`);
    const response = await this.post('/bodies/sign-in/check-email', { code });
    if (response.statusCode !== 303) throw new Error(`signing in as ${email} failed: ${response.statusCode} ${response.body.slice(0, 300)}`);
    if (response.headers.location === '/bodies/choose-body') {
      if (choose === undefined) throw new Error(`${email} acts for several bodies: say which`);
      await this.get('/bodies/choose-body');
      const chosen = await this.post('/bodies/choose-body', { linkOfficerId: String(choose) });
      if (chosen.statusCode !== 303) throw new Error(`choosing ${choose} failed: ${chosen.statusCode}`);
    }
    return this;
  }

  /** Signs in as a member of staff with their password. */
  async signInAsStaff(who: TestStaffName) {
    await this.get('/staff/sign-in');
    const response = await this.post('/staff/sign-in', { email: testStaff[who].email, password: PASSWORD, returnTo: '/staff' });
    if (response.statusCode !== 303) throw new Error(`staff sign-in as ${who} failed: ${response.statusCode}`);
    await this.get('/staff');
    return this;
  }
}

/** The code in the newest sign-in email to `email`, if any. */
export async function latestCode(t: TestApp, email: string): Promise<string | undefined> {
  const row = await t.database.db
    .selectFrom('notifications')
    .select('personalisation')
    .where('template', '=', 'sign-in-code')
    .where('recipient', '=', email.toLowerCase())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? String((row.personalisation as Record<string, unknown>).code) : undefined;
}

export async function notificationsTo(t: TestApp, recipient: string, template?: string) {
  let query = t.database.db.selectFrom('notifications').selectAll().where('recipient', '=', recipient.toLowerCase());
  if (template) query = query.where('template', '=', template);
  return query.orderBy('id').execute();
}

export function titleOf(body: string): string {
  return /<title[^>]*>([\s\S]*?)<\/title>/.exec(body)?.[1]?.trim() ?? '';
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The texts and links in the GOV.UK error summary. */
export function errorSummaryOf(body: string): { href: string; text: string }[] {
  const start = body.indexOf('class="govuk-error-summary"');
  if (start < 0) return [];
  const end = body.indexOf('</ul>', start);
  return [...body.slice(start, end).matchAll(/<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ href: m[1] as string, text: (m[2] as string).trim() }));
}

export const SERVICE = 'Ombudsman link officer service';

/** This service's "Page not found" (404): the same for another body's thing as for nothing at all. */
export function isBodiesNotFound(response: LightMyRequestResponse): boolean {
  return response.statusCode === 404 && titleOf(response.body) === `Page not found - ${SERVICE}`;
}

export function caseEvents(t: TestApp, reference: string) {
  return t.database.db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['e.kind', 'e.actor_id', 'e.facts', 'e.detail_text'])
    .where('c.reference', '=', reference)
    .orderBy('e.id')
    .execute();
}

/** A date `days` from today as the three fields of the date input called `name`. */
export function dateFields(t: TestApp, name: string, days: number): Record<string, string> {
  const [year, month, day] = addCalendarDays(today(t), days).split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year as string };
}
