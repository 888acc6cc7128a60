import { sql, type Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import { insertLinkOfficer } from '../data/repositories/link-officers.ts';
import { insertSampleDecisions } from './publication/sample-decisions.ts';
import type { SeedLog } from './demo-seed.ts';

/** The demo's link officers: one for each of the councils with the most remedies awaiting confirmation. */
export const DEMO_LINK_OFFICER_COUNT = 5;
/** Published decisions for the demo's /decisions search, spread over the last three years. */
export const DEMO_PUBLISHED_DECISIONS = 300;

export interface DemoLinkOfficer {
  email: string;
  bodyName: string;
}

/**
 * The public-accountability part of the demo, added once: link officers for the councils with
 * most remedies awaiting confirmation (so `/bodies` has work to show and reminders go somewhere),
 * and published decisions for `/decisions`. Everything is fictional; addresses are at example.org.
 * Returns the link officers, first the one to try.
 */
export async function seedDemoAccountability(db: Kysely<Database>, now: Date, log?: SeedLog): Promise<DemoLinkOfficer[]> {
  const existing = await db
    .selectFrom('link_officers as lo')
    .innerJoin('bodies as b', 'b.id', 'lo.body_id')
    .select(['lo.email', 'b.name as bodyName'])
    .where('lo.active', '=', true)
    .orderBy('lo.id')
    .execute();
  if (existing.length > 0) return existing;

  const busiest = await db
    .selectFrom('remedies as r')
    .innerJoin('case_bodies as cb', 'cb.case_id', 'r.case_id')
    .innerJoin('bodies as b', 'b.id', 'cb.body_id')
    .select(['b.id', 'b.name', sql<number>`count(*)`.as('pending')])
    .where('r.status', '=', 'pending')
    .where('b.kind', '=', 'council')
    .groupBy(['b.id', 'b.name'])
    .orderBy('pending', 'desc')
    .orderBy('b.id')
    .limit(DEMO_LINK_OFFICER_COUNT)
    .execute();
  const officers: DemoLinkOfficer[] = [];
  for (const [index, body] of busiest.entries()) {
    const email = `link-officer${index === 0 ? '' : index + 1}@council.example.org`;
    await insertLinkOfficer(db, body.id, { fullName: `Demo Link Officer ${index + 1}`, email, phone: null }, now);
    officers.push({ email, bodyName: body.name });
  }

  const published = await db.selectFrom('published_decisions').select('id').limit(1).executeTakeFirst();
  if (!published) {
    const staff = await db.selectFrom('staff_users').select(['id', 'roles']).orderBy('id').execute();
    const drafter = staff.find((s) => s.roles.includes('investigator'));
    const approver = staff.find((s) => s.roles.includes('team-manager') || s.roles.includes('ombudsman'));
    const bodies = await db.selectFrom('bodies').select('id').where('kind', '=', 'council').orderBy('id').limit(60).execute();
    if (drafter && approver && bodies.length) {
      const written = await insertSampleDecisions(db, { count: DEMO_PUBLISHED_DECISIONS, bodyIds: bodies.map((b) => b.id), drafterId: drafter.id, approverId: approver.id, years: 3, until: now });
      log?.info({ decisions: written }, 'demo published decisions created');
    }
  }
  log?.info({ linkOfficers: officers.length }, 'demo link officers created');
  return officers;
}
