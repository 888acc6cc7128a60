import { sql } from 'kysely';
import type { Db } from './cases.ts';

export async function readSession(db: Db, sid: string, now: Date) {
  const row = await db.selectFrom('sessions').select('data').where('sid', '=', sid).where('expires_at', '>', now).executeTakeFirst();
  return row?.data;
}

export async function writeSession(db: Db, sid: string, data: unknown, expiresAt: Date): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ sid, data: JSON.stringify(data), expires_at: expiresAt })
    .onConflict((oc) => oc.column('sid').doUpdateSet({ data: sql`excluded.data`, expires_at: sql`excluded.expires_at` }))
    .execute();
}

export async function deleteSession(db: Db, sid: string): Promise<void> {
  await db.deleteFrom('sessions').where('sid', '=', sid).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db.deleteFrom('sessions').where('expires_at', '<=', now).returning('sid').execute();
  return rows.length;
}
