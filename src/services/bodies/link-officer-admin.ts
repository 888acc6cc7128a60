import { z } from 'zod';
import { findBodyByCode, searchBodies } from '../../data/repositories/bodies.ts';
import {
  bodiesWithOfficerCounts, bodyHasOfficerWithEmail, findLinkOfficer, insertLinkOfficer, linkOfficersOfBody, updateLinkOfficer,
} from '../../data/repositories/link-officers.ts';
import type { Actor } from '../../domain/case-lifecycle.ts';
import type { Role } from '../../domain/vocabulary.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import { parseOrThrow } from '../validation.ts';
import type { ServiceDeps } from '../deps.ts';

/**
 * Keeping each body's list of link officers: administrators and team managers add people, correct
 * their details and take away (or give back) their access. A deactivated officer is kept, so the
 * enquiries they answered and the remedies they confirmed still name them.
 */
export const linkOfficerAdminRoles: readonly Role[] = ['admin', 'team-manager'];

function assertMayManage(actor: Actor): void {
  if (!actor.roles.some((role) => linkOfficerAdminRoles.includes(role))) throw forbidden('Only administrators and team managers can manage link officers');
}

export const linkOfficerMessages = {
  nameMissing: 'Enter the link officer’s full name',
  nameTooLong: 'Full name must be 200 characters or fewer',
  emailMissing: 'Enter the link officer’s email address',
  emailFormat: 'Enter an email address in the correct format, like name@example.com',
  phoneFormat: 'Enter a telephone number, like 01632 960 001 or +44 808 157 0192',
  activeMissing: 'Select whether this person can sign in',
  duplicate: 'This body already has a link officer with this email address',
} as const;

export const linkOfficerSchema = z.object({
  fullName: z.string().trim().min(1, linkOfficerMessages.nameMissing).max(200, linkOfficerMessages.nameTooLong),
  email: z.string().trim().toLowerCase().min(1, linkOfficerMessages.emailMissing).max(320, linkOfficerMessages.emailFormat).email(linkOfficerMessages.emailFormat),
  phone: z
    .string()
    .trim()
    .max(30, linkOfficerMessages.phoneFormat)
    .refine((phone) => phone === '' || (/^\+?[0-9 ()-]+$/.test(phone) && phone.replace(/\D/g, '').length >= 10), linkOfficerMessages.phoneFormat)
    .transform((phone) => phone || null),
});
export type LinkOfficerInput = z.input<typeof linkOfficerSchema>;

export const editLinkOfficerSchema = linkOfficerSchema.extend({
  active: z.enum(['yes', 'no'], { message: linkOfficerMessages.activeMissing }),
});
export type EditLinkOfficerInput = z.input<typeof editLinkOfficerSchema>;

/** Two people adding the same address at once: the unique index refuses the second, said as the form would say it. */
async function refusingDuplicates<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw invalid({ email: linkOfficerMessages.duplicate });
    throw error;
  }
}

async function bodyOrNotFound(deps: Pick<ServiceDeps, 'db'>, code: string) {
  const body = await findBodyByCode(deps.db, code.trim().toUpperCase());
  if (!body) throw notFound('Body');
  return body;
}

/** Bodies to choose from: those matching the words or code typed, or, with nothing typed, those that have link officers. */
export async function findBodiesForLinkOfficers(deps: Pick<ServiceDeps, 'db'>, actor: Actor, query: string) {
  assertMayManage(actor);
  const text = query.trim().slice(0, 200);
  if (!text) return { query: '', bodies: await bodiesWithOfficerCounts(deps.db, 'with-officers') };
  const matches = await searchBodies(deps.db, text, 50);
  const counted = await bodiesWithOfficerCounts(deps.db, matches.map((b) => b.id));
  // Keep the search's order (councils and names starting with the words first).
  const byId = new Map(counted.map((b) => [b.id, b]));
  return { query: text, bodies: matches.map((b) => byId.get(b.id)).filter((b) => b !== undefined) };
}

export async function bodyLinkOfficers(deps: Pick<ServiceDeps, 'db'>, actor: Actor, bodyCode: string) {
  assertMayManage(actor);
  const body = await bodyOrNotFound(deps, bodyCode);
  return { body, officers: await linkOfficersOfBody(deps.db, body.id) };
}

export async function addLinkOfficer(deps: Pick<ServiceDeps, 'db' | 'clock'>, actor: Actor, bodyCode: string, raw: LinkOfficerInput): Promise<number> {
  assertMayManage(actor);
  const body = await bodyOrNotFound(deps, bodyCode);
  const input = parseOrThrow(linkOfficerSchema, raw);
  return refusingDuplicates(() => deps.db.transaction().execute(async (trx) => {
    if (await bodyHasOfficerWithEmail(trx, body.id, input.email)) throw invalid({ email: linkOfficerMessages.duplicate });
    return insertLinkOfficer(trx, body.id, input, deps.clock.now());
  }));
}

/** One of the body's link officers; an officer of another body is not found here. */
export async function linkOfficerOfBody(deps: Pick<ServiceDeps, 'db'>, actor: Actor, bodyCode: string, linkOfficerId: number) {
  assertMayManage(actor);
  const body = await bodyOrNotFound(deps, bodyCode);
  const officer = await findLinkOfficer(deps.db, linkOfficerId);
  if (!officer || officer.body_id !== body.id) throw notFound('Link officer');
  return { body, officer };
}

export async function editLinkOfficer(deps: Pick<ServiceDeps, 'db'>, actor: Actor, bodyCode: string, linkOfficerId: number, raw: EditLinkOfficerInput): Promise<void> {
  const { body } = await linkOfficerOfBody(deps, actor, bodyCode, linkOfficerId);
  const input = parseOrThrow(editLinkOfficerSchema, raw);
  await refusingDuplicates(() => deps.db.transaction().execute(async (trx) => {
    if (await bodyHasOfficerWithEmail(trx, body.id, input.email, linkOfficerId)) throw invalid({ email: linkOfficerMessages.duplicate });
    const updated = await updateLinkOfficer(trx, linkOfficerId, body.id, { fullName: input.fullName, email: input.email, phone: input.phone, active: input.active === 'yes' });
    if (!updated) throw notFound('Link officer');
  }));
}
