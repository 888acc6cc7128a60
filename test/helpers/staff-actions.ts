/** Acting as the test staff through the services, and reading back what a case recorded. */
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import { londonDate } from '../../src/domain/london-time.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { registerContact, type RegisterContactInput } from '../../src/services/intake.ts';
import { testStaff, type TestApp, type TestStaffName } from './app.ts';

export function actor(t: TestApp, who: TestStaffName): Actor {
  return { id: t.staffIds[who], roles: [...testStaff[who].roles] as Role[] };
}

export function today(t: TestApp): string {
  return londonDate(t.clock.now());
}

/** A case's timeline, oldest first. */
export function caseEvents(t: TestApp, reference: string) {
  return t.database.db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['e.kind', 'e.actor_id', 'e.facts', 'e.detail_text'])
    .where('c.reference', '=', reference)
    .orderBy('e.id')
    .execute();
}

/** Registers an emailed complaint about housing (fast: no HTTP), made an hour ago unless said; returns its reference, e.g. '26 000 001'. */
export async function registerTestCase(
  t: TestApp, complaint: { complainant: RegisterContactInput['complainant']; representative?: RegisterContactInput['representative']; bodyIds: number[]; summary: string; receivedAt?: Date },
): Promise<string> {
  const result = await registerContact(t.services, actor(t, 'intake'), {
    channel: 'email',
    receivedAt: complaint.receivedAt ?? new Date(t.clock.now().getTime() - 3_600_000),
    complainant: complaint.complainant,
    representative: complaint.representative ?? null,
    bodyIds: complaint.bodyIds,
    summary: complaint.summary,
    outcome: 'case-created',
    category: 'Housing',
    subcategory: 'Homelessness',
    jurisdiction: 'local-government',
  });
  if (!result.reference) throw new Error('no reference');
  return result.reference;
}
