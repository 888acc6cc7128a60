import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { findStaffUserByEmail, findStaffUserById, insertStaffUser, listStaffUsers } from '../data/repositories/staff-users.ts';
import { roles, teams } from '../domain/vocabulary.ts';
import type { Actor } from '../domain/case-lifecycle.ts';
import type { Role } from '../domain/vocabulary.ts';
import { forbidden, invalid } from './errors.ts';
import { parseOrThrow } from './validation.ts';
import type { ServiceDeps } from './deps.ts';

export interface SignedInStaff extends Actor {
  displayName: string;
  email: string;
  team: string | null;
}

// A real hash of nothing in particular, verified when the email is unknown so that a wrong
// email and a wrong password take the same time.
let decoyHash: Promise<string> | undefined;

export async function authenticateStaff(deps: Pick<ServiceDeps, 'db'>, email: string, password: string): Promise<SignedInStaff | undefined> {
  decoyHash ??= hash('decoy-password-for-timing');
  const user = email ? await findStaffUserByEmail(deps.db, email.trim()) : undefined;
  const ok = await verify(user?.password_hash ?? (await decoyHash), password || ' ').catch(() => false);
  if (!user || !ok || !user.active) return undefined;
  return toSignedIn(user);
}

export async function loadStaff(deps: Pick<ServiceDeps, 'db'>, id: number): Promise<SignedInStaff | undefined> {
  const user = await findStaffUserById(deps.db, id);
  return user?.active ? toSignedIn(user) : undefined;
}

/** The signed-in caseworker from their account's row: roles this version does not know are dropped. */
export function toSignedIn(user: { id: number; email: string; display_name: string; roles: string[]; team: string | null }): SignedInStaff {
  return { id: user.id, email: user.email, displayName: user.display_name, roles: user.roles.filter(roles.has) as Role[], team: user.team };
}

export const newStaffSchema = z.object({
  email: z.string().trim().toLowerCase().email('Enter an email address in the correct format, like name@example.com'),
  displayName: z.string().trim().min(1, 'Enter the person’s name').max(200),
  password: z.string().min(12, 'Password must be at least 12 characters').max(200),
  roles: z.array(z.enum(roles.values as [string, ...string[]])).min(1, 'Select at least one role'),
  team: z.enum(teams.values as [string, ...string[]]).nullish(),
});

/** Creates a staff account. `actor` null means the command line, which is trusted. */
export async function createStaffUser(deps: Pick<ServiceDeps, 'db'>, actor: Actor | null, raw: z.input<typeof newStaffSchema>): Promise<number> {
  if (actor && !actor.roles.includes('admin')) throw forbidden();
  const input = parseOrThrow(newStaffSchema, raw);
  if (await findStaffUserByEmail(deps.db, input.email)) throw invalid({ email: 'An account with this email address already exists' });
  return insertStaffUser(deps.db, {
    email: input.email,
    displayName: input.displayName,
    passwordHash: await hash(input.password),
    roles: input.roles,
    team: input.team ?? null,
  });
}

export async function listStaff(deps: Pick<ServiceDeps, 'db'>, actor: Actor) {
  if (!actor.roles.includes('admin') && !actor.roles.includes('team-manager')) throw forbidden();
  return listStaffUsers(deps.db);
}
