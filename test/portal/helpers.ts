/**
 * Helpers for the complainant portal's tests: an application with the portal's routes, a
 * browser-like client with its own address, signing in with the emailed code, and cases made
 * quickly through the services.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../src/data/db.ts';
import { addCalendarDays } from '../../src/domain/london-time.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import { configurePortal, type PortalOptions } from '../../src/web/portal/settings.ts';
import { portalRoutes } from '../../src/web/portal/portal-routes.ts';
import { staffMessageRoutes } from '../../src/web/staff/message-routes.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { EmailCodeClient, filePart } from '../helpers/email-code.ts';
import { titleOf } from '../helpers/pages.ts';
import { actor, registerTestCase, today } from '../helpers/staff-actions.ts';

export { latestCode } from '../helpers/email-code.ts';
export { errorSummaryOf, escapeHtml, titleOf } from '../helpers/pages.ts';
export { actor, caseEvents as eventsOf, today } from '../helpers/staff-actions.ts';

export const SESSION_SECRET = 'a-test-session-secret-of-at-least-32-chars';

/**
 * The test application with the portal's and staff messages' routes. They are registered here
 * unless `buildApp` already does; `options` (scanner, upload size, limits) apply either way.
 */
export async function createPortalTestApp(engine: Engine, options: PortalOptions = {}, now?: Date): Promise<TestApp> {
  const t = await createTestApp(engine, now);
  configurePortal(t.services, options);
  const deps = { config: { production: false, sessionSecret: SESSION_SECRET }, services: t.services, holidays: t.holidays, logger: false as const };
  if (!t.app.hasRoute({ method: 'GET', url: '/sign-in' })) await t.app.register(portalRoutes(deps));
  if (!t.app.hasRoute({ method: 'GET', url: '/staff/cases/:reference/messages' })) await t.app.register(staffMessageRoutes(deps));
  return t;
}

export function fixture(name: string): Buffer {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'files', name));
}

/** The EICAR anti-virus test file, built at run time so no file in the repository sets off a scanner. */
export function eicar(): Buffer {
  return Buffer.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join(''), 'latin1');
}

let nextAddress = 1;

/** A browser on the portal, from its own client address unless given one. */
export class PortalClient extends EmailCodeClient {
  constructor(app: FastifyInstance, address?: string) {
    const n = nextAddress++;
    super(app, address ?? `10.77.${(n >> 8) & 255}.${n & 255}`, { signIn: '/sign-in', checkEmail: '/sign-in/check-email' });
  }

  /** A file upload as the case page's form sends it: multipart, CSRF token in the query. */
  async upload(url: string, file: { name: string; content: Buffer; type?: string } | undefined, options: { csrf?: boolean } = {}) {
    return this.postMultipart(url, file ? filePart(file) : [], options);
  }

  /** Signs in all the way, reading the code from the notifications table. */
  async signIn(t: TestApp, email: string) {
    await this.enterCode(t, email);
    return this;
  }
}

export async function notificationsTo(t: TestApp, template: string) {
  return t.database.db.selectFrom('notifications').selectAll().where('template', '=', template).orderBy('id').execute();
}

let people = 0;

/** Registers a complaint through the intake service; returns its reference, e.g. '26 000 001'. */
export async function registerPortalCase(
  t: TestApp,
  who: { email?: string | null; fullName?: string; representative?: { fullName: string; email?: string | null } | null; summary?: string; bodyIndex?: number },
): Promise<string> {
  return registerTestCase(t, {
    complainant: { fullName: who.fullName ?? `Portal Person ${++people}`, email: who.email ?? null },
    representative: who.representative ?? null,
    bodyIds: [t.bodyIds[who.bodyIndex ?? 0] as number],
    summary: who.summary ?? 'The council did not reply to my letters about my housing application.',
  });
}

export type Milestone = 'closed-at-assessment' | 'awaiting-allocation' | 'investigation' | 'draft-decision' | 'compliance' | 'closed-after-decision';

/** Moves a case on through the services to `to`. */
export async function advance(t: TestApp, reference: string, to: Milestone) {
  if (to === 'closed-at-assessment') {
    await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'refer-back-for-local-resolution', explanation: 'Please complain to the council first; they have not had the chance to put things right.' });
    return;
  }
  await decideAssessment(t.services, reference, actor(t, 'assessor'), { decision: 'pass-for-investigation' });
  if (to === 'awaiting-allocation') return;
  await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds.investigator);
  if (to === 'investigation') return;
  await shareDraftDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: 'upheld-fault-injustice', reasons: 'Draft: the council was at fault in the way it handled the application.', commentsDueOn: addCalendarDays(today(t), 14),
  });
  if (to === 'draft-decision') return;
  await issueFinalDecision(t.services, reference, actor(t, 'investigator'), {
    outcome: to === 'compliance' ? 'upheld-fault-injustice' : 'not-upheld',
    reasons: to === 'compliance' ? 'Final: the council was at fault and should apologise.' : 'Final: the council was not at fault.',
    remedies: to === 'compliance' ? [{ kind: 'apology', description: 'Apologise in writing', dueOn: addCalendarDays(today(t), 28) }] : [],
  });
}

/** '26 000 001' -> '/complaints/26000001' (+ '/suffix'). */
export function complaintUrl(reference: string, suffix = ''): string {
  return `/complaints/${reference.replace(/\s/g, '')}${suffix ? `/${suffix}` : ''}`;
}

export function staffMessagesUrl(reference: string): string {
  return `/staff/cases/${reference.replace(/\s/g, '')}/messages`;
}

/** The portal's "Page not found" (404), the same for someone else's case as for no case. */
export function isPortalNotFound(response: LightMyRequestResponse): boolean {
  return response.statusCode === 404 && titleOf(response.body) === 'Page not found - Complain to the Ombudsman';
}
