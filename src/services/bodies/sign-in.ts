import { createHmac, randomInt } from 'node:crypto';
import { activeLinkOfficersByEmail, findLinkOfficer } from '../../data/repositories/link-officers.ts';
import { countSignInCodesSince, insertSignInCode, supersedeSignInCodes } from '../../data/repositories/portal.ts';
import type { LinkOfficerCaseActor } from '../case-action.ts';
import type { ServiceDeps } from '../deps.ts';
import { queueNotification } from '../notifications.ts';
import {
  CODE_LIFETIME_MINUTES, emailSchema, hashCode, MAX_CODES_PER_HOUR, normaliseEmail, TooManyCodesError, verifySignInCode, type VerifyResult,
} from '../portal/sign-in.ts';
import { parseOrThrow } from '../validation.ts';

/**
 * Signing in as a body's link officer: the complainant portal's emailed 6-digit code, with the
 * same expiry, attempts, single use and limits (services/portal/sign-in.ts), but apart from it:
 *
 * - codes are hashed with a pepper of their own, and
 * - they are kept under a key of their own ("link-officer:" + address) in sign_in_codes,
 *
 * so a complainant's code can never sign anyone in as a link officer, and a council officer who is
 * also a complainant does not have one sign-in cancel the other's code. Whether an address belongs
 * to a link officer is never revealed: every address gets a code row (so limits behave the same);
 * only link officers' addresses are sent the email.
 */
const KEY_PREFIX = 'link-officer:';
const HOUR_MS = 3_600_000;

function codeKey(email: string): string {
  return `${KEY_PREFIX}${normaliseEmail(email)}`;
}

/** The pepper for link officers' code hashes: derived from the session secret, and different from the portal's. */
export function linkOfficerPepper(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('redress link officer sign-in code pepper').digest('hex');
}

/** Makes (and for an active link officer's address, emails) a new code; returns the normalised address whatever happened. */
export async function requestLinkOfficerCode(deps: ServiceDeps, pepper: string, raw: { email: string }, options: { maxPerHour?: number } = {}): Promise<{ email: string }> {
  const { email } = parseOrThrow(emailSchema, raw);
  const key = codeKey(email);
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if ((await countSignInCodesSince(trx, key, new Date(now.getTime() - HOUR_MS))) >= (options.maxPerHour ?? MAX_CODES_PER_HOUR)) throw new TooManyCodesError();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await supersedeSignInCodes(trx, key, now);
    await insertSignInCode(trx, { email: key, hash: hashCode(pepper, key, code), at: now, expiresAt: new Date(now.getTime() + CODE_LIFETIME_MINUTES * 60_000) });
    if ((await activeLinkOfficersByEmail(trx, email)).length > 0) {
      await queueNotification(trx, {
        caseId: null, personId: null, recipient: { channel: 'email', address: email }, template: 'sign-in-code',
        personalisation: { code, minutes: String(CODE_LIFETIME_MINUTES) }, at: now,
      });
    }
    return { email };
  });
}

/** Checks a typed code against the newest link-officer code for the address (every check counts as an attempt). */
export async function verifyLinkOfficerCode(deps: ServiceDeps, pepper: string, email: string, code: string): Promise<VerifyResult> {
  const result = await verifySignInCode(deps, pepper, codeKey(email), code);
  return result.ok ? { ok: true, email: normaliseEmail(email) } : result;
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
