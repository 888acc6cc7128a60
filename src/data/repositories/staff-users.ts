import { sql } from 'kysely';
import type { Db } from './cases.ts';

export async function findStaffUserById(db: Db, id: number) {
  return db.selectFrom('staff_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findStaffUserByEmail(db: Db, email: string) {
  return db.selectFrom('staff_users').selectAll().where(sql<boolean>`lower(email) = ${email.toLowerCase()}`).executeTakeFirst();
}

export async function insertStaffUser(
  db: Db,
  user: { email: string; displayName: string; passwordHash: string; roles: string[]; team: string | null },
): Promise<number> {
  const row = await db
    .insertInto('staff_users')
    .values({ email: user.email.toLowerCase(), display_name: user.displayName, password_hash: user.passwordHash, roles: user.roles, team: user.team })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listStaffUsers(db: Db) {
  return db.selectFrom('staff_users').select(['id', 'email', 'display_name', 'roles', 'team', 'active']).orderBy('display_name').execute();
}

export async function listInvestigators(db: Db) {
  return db
    .selectFrom('staff_users')
    .select(['id', 'display_name', 'team'])
    .where(sql<boolean>`'investigator' = any(roles)`)
    .where('active', '=', true)
    .orderBy('display_name')
    .execute();
}
