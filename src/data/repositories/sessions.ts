import { sql } from 'kysely';
import type { Db } from './cases.ts';
import { prepared } from '../prepared-statements.ts';

/**
 * A session and, when it names a signed-in caseworker, their account, in one statement: every
 * staff page needs both, and a second round trip per request cost as much of the server's CPU
 * (socket writes, parsing, query building) as the query itself. `staffId` is only ever written by
 * the server (src/web/staff/auth-routes.ts), so the cast cannot meet anything but a whole number.
 */
export async function readSessionWithStaff(db: Db, sid: string, now: Date) {
  const query = db
    .selectFrom('sessions as s')
    .leftJoin('staff_users as u', (join) => join.on(sql<boolean>`${sql.ref('u.id')} = (${sql.ref('s.data')}->>'staffId')::integer`))
    .select([
      's.data',
      'u.id as staff_id',
      'u.email as staff_email',
      'u.display_name as staff_display_name',
      'u.roles as staff_roles',
      'u.team as staff_team',
      'u.active as staff_active',
    ])
    .where('s.sid', '=', sid)
    .where('s.expires_at', '>', now);
  // Every signed-in request sends it: planned once per connection (prepared-statements.ts).
  return prepared(query).executeTakeFirst();
}
export type SessionWithStaffRow = NonNullable<Awaited<ReturnType<typeof readSessionWithStaff>>>;

export async function writeSession(db: Db, sid: string, data: unknown, expiresAt: Date): Promise<void> {
  await prepared(db
    .insertInto('sessions')
    .values({ sid, data: JSON.stringify(data), expires_at: expiresAt })
    .onConflict((oc) => oc.column('sid').doUpdateSet({ data: sql`excluded.data`, expires_at: sql`excluded.expires_at` })))
    .execute();
}

export async function deleteSession(db: Db, sid: string): Promise<void> {
  await db.deleteFrom('sessions').where('sid', '=', sid).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.deleteFrom('sessions').where('expires_at', '<=', now).returning('sid').execute();
  return rows.length;
}
