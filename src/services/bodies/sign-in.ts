import { activeLinkOfficersByEmail, findLinkOfficer } from '../../data/repositories/link-officers.ts';
import type { LinkOfficerCaseActor } from '../case-action.ts';
import type { ServiceDeps } from '../deps.ts';
import { codePepper, normaliseEmail, type EmailCodeSpace } from '../email-code.ts';

/**
 * Signing in as a body's link officer: the same emailed code as complainants (services/email-code.ts),
 * with the same expiry, attempts, single use and limits, but in a code space of its own (its own
 * pepper, and codes kept under "link-officer:" + address), so a complainant's code can never sign
 * anyone in as a link officer, and a council officer who is also a complainant does not have one
 * sign-in cancel the other's code. Only active link officers' addresses are sent the email.
 */
export const linkOfficerCodes: EmailCodeSpace = {
  pepperLabel: 'redress link officer sign-in code pepper',
  keyPrefix: 'link-officer:',
  isKnown: async (db, email) => (await activeLinkOfficersByEmail(db, email)).length > 0,
  template: 'sign-in-code',
};

/** The pepper for link officers' code hashes: derived from the session secret, and different from the portal's. */
export function linkOfficerPepper(sessionSecret: string): string {
  return codePepper(sessionSecret, linkOfficerCodes);
}

/** The bodies an address may act for now: one active link officer record per body. */
export async function linkOfficerChoices(deps: Pick<ServiceDeps, 'db'>, email: string) {
  const rows = await activeLinkOfficersByEmail(deps.db, normaliseEmail(email));
  return rows.map((row) => ({ linkOfficerId: row.id, bodyId: row.body_id, bodyName: row.body_name, bodyCode: row.body_code }));
}

/** A signed-in link officer, as every page and action needs them. */
export interface SignedInLinkOfficer extends LinkOfficerCaseActor {
  email: string;
  bodyCode: string;
}

/**
 * The signed-in link officer, checked afresh on every request: undefined once the record is
 * deactivated or its address is changed, so access ends at once rather than when the session does.
 */
export async function loadLinkOfficer(deps: Pick<ServiceDeps, 'db'>, linkOfficerId: number, email: string): Promise<SignedInLinkOfficer | undefined> {
  const row = await findLinkOfficer(deps.db, linkOfficerId);
  if (!row || !row.active || normaliseEmail(row.email) !== normaliseEmail(email)) return undefined;
  return {
    kind: 'link-officer', linkOfficerId: row.id, bodyId: row.body_id, name: row.full_name, bodyName: row.body_name, email: normaliseEmail(row.email), bodyCode: row.body_code,
  };
}
