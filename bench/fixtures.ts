/**
 * The fixtures the operations rotate through, read from the generated history: a thousand case
 * references spread over all of it, two hundred complainants' names, every council, and a few
 * complainants with open cases who can sign in to the portal.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../src/data/schema.ts';
import type { Fixtures } from './operations.ts';

export const CASEWORKER_EMAIL = 'assessor@redress.example';
export const INTAKE_EMAIL = 'intake@redress.example';
/** The plan year the public figures and the standards report are measured for: 1 April 2018 to 31 March 2019, wholly inside the history. */
export const PLAN_YEAR = 2018;

export async function loadFixtures(db: Kysely<Database>, cases: number, complainants = 8): Promise<Fixtures> {
  const spread = (count: number) => Math.max(1, Math.floor(cases / count));
  const references = await sql<{ reference: string }>`
    select reference from cases where id <= ${cases} and id % ${spread(1000)} = 0 order by id limit 1000`.execute(db);
  const names = await sql<{ full_name: string }>`
    select p.full_name from cases c join people p on p.id = c.complainant_id
     where c.id <= ${cases} and c.id % ${spread(200)} = 0 order by c.id limit 200`.execute(db);
  const councils = await db.selectFrom('bodies').select(['id', 'code']).where('kind', '=', 'council').orderBy('code').execute();
  const portal = await sql<{ email: string; reference: string; case_id: number; person_id: number }>`
    select lower(p.email) as email, c.reference, c.id as case_id, p.id as person_id
      from cases c join people p on p.id = c.complainant_id
     where c.id <= ${cases} and c.closed_at is null and p.email is not null
     order by c.id desc limit ${complainants}`.execute(db);
  const staffId = async (email: string) => (await db.selectFrom('staff_users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  return {
    references: references.rows.map((r) => r.reference),
    names: names.rows.map((r) => r.full_name),
    councils,
    year: PLAN_YEAR,
    complainants: portal.rows.map((r) => ({ email: r.email, reference: r.reference, caseId: r.case_id, personId: r.person_id })),
    caseworkerId: await staffId(CASEWORKER_EMAIL),
    intakeId: await staffId(INTAKE_EMAIL),
  };
}

/** The code the portal emailed to an address (benchmark databases only: the outbox keeps it). */
export async function latestSignInCode(db: Kysely<Database>, email: string): Promise<string> {
  const row = await sql<{ code: string }>`
    select personalisation->>'code' as code from notifications
     where template = 'sign-in-code' and lower(recipient) = ${email.toLowerCase()} order by id desc limit 1`.execute(db);
  const code = row.rows[0]?.code;
  if (!code) throw new Error(`No sign-in code was sent to ${email}`);
  return code;
}
