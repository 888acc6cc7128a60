import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../data/repositories/cases.ts';
import {
  countSignInCodesSince, insertSignInCode, latestSignInCode, markSignInCodeUsed, recentSupersededCodeHashes, recordSignInAttempt, supersedeSignInCodes,
} from '../data/repositories/portal.ts';
import type { NotificationTemplate } from '../notify/notifier.ts';
import type { ServiceDeps } from './deps.ts';
import { AppError, invalid } from './errors.ts';
import { queueNotification } from './notifications.ts';
import { parseOrThrow } from './validation.ts';

/**
 * Signing in without a password: we email a 6-digit code. Codes are stored only as a keyed hash
 * (HMAC-SHA-256 with a secret pepper that is not in the database), last 10 minutes, allow 5
 * attempts, are used once, and a newer code replaces older ones. Whether an address is known to
 * us is never revealed: unknown addresses get a code row too (so limits behave the same), only
 * the email is not sent. Complainants and link officers each sign in within a code space of their
 * own (see EmailCodeSpace).
 */
export const CODE_LIFETIME_MINUTES = 10;
export const MAX_ATTEMPTS = 5;
export const MAX_CODES_PER_HOUR = 5;

const HOUR_MS = 3_600_000;

export const messages = {
  emailMissing: 'Enter your email address',
  emailFormat: 'Enter an email address in the correct format, like name@example.com',
  codeMissing: 'Enter the code from the email',
  codeFormat: 'The code must be 6 numbers',
  incorrect: 'The code is incorrect',
  expired: 'The code has expired. Request a new code',
  tooManyAttempts: 'You have entered the wrong code too many times. Request a new code',
  used: 'That code has already been used. Request a new code',
  superseded: 'That code has been replaced by a newer one. Enter the code from the latest email',
  tooManyCodes: 'You have asked for too many codes. Wait an hour, then try again',
} as const;

export const emailSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, messages.emailMissing).max(320, messages.emailFormat).email(messages.emailFormat),
});

/** The address as we compare it: trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Who signs in with a code, kept apart from everyone else who does: a pepper of their own and a
 * key of their own in sign_in_codes, so one space's code never signs anyone in to another, and
 * someone in two spaces does not have one sign-in supersede the other's code.
 */
export interface EmailCodeSpace {
  /** Mixed with the session secret to make this space's pepper; never the same as another space's. */
  pepperLabel: string;
  /** Put before the address to make the key its codes are kept under. */
  keyPrefix: string;
  /** Whether the address is sent its code (asked in the transaction that makes the code). */
  isKnown: (db: Db, email: string) => Promise<boolean>;
  /** The email that carries the code; its personalisation is `code` and `minutes`. */
  template: NotificationTemplate;
}

/** A space's pepper for code hashes, derived from the session secret so no new setting is needed. */
export function codePepper(sessionSecret: string, space: EmailCodeSpace): string {
  return createHmac('sha256', sessionSecret).update(space.pepperLabel).digest('hex');
}

/** A keyed hash of the code: without the pepper, a copy of the table does not give codes away. */
function hashCode(pepper: string, key: string, code: string): string {
  return createHmac('sha256', pepper).update(`sign-in-code\n${normaliseEmail(key)}\n${code}`).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export class TooManyCodesError extends AppError {
  constructor() {
    super('conflict', messages.tooManyCodes, { email: messages.tooManyCodes });
  }
}

/**
 * Makes and (for an address the space knows) emails a new code, replacing any older one.
 * Returns the normalised address; the caller says the same thing whatever happened.
 */
export async function requestEmailCode(
  deps: ServiceDeps, space: EmailCodeSpace, pepper: string, raw: { email: string }, options: { maxPerHour?: number } = {},
): Promise<{ email: string }> {
  const { email } = parseOrThrow(emailSchema, raw);
  const key = `${space.keyPrefix}${email}`;
  const now = deps.clock.now();
  const maxPerHour = options.maxPerHour ?? MAX_CODES_PER_HOUR;
  return deps.db.transaction().execute(async (trx) => {
    if ((await countSignInCodesSince(trx, key, new Date(now.getTime() - HOUR_MS))) >= maxPerHour) throw new TooManyCodesError();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await supersedeSignInCodes(trx, key, now);
    await insertSignInCode(trx, { email: key, hash: hashCode(pepper, key, code), at: now, expiresAt: new Date(now.getTime() + CODE_LIFETIME_MINUTES * 60_000) });
    if (await space.isKnown(trx, email)) {
      await queueNotification(trx, {
        caseId: null, personId: null, recipient: { channel: 'email', address: email }, template: space.template,
        personalisation: { code, minutes: String(CODE_LIFETIME_MINUTES) }, at: now,
      });
    }
    return { email };
  });
}

export type VerifyResult = { ok: true; email: string } | { ok: false; message: string };

/** Checks a typed code against the newest one for the address in this space; every check counts as an attempt. */
export async function verifyEmailCode(deps: ServiceDeps, space: EmailCodeSpace, pepper: string, rawEmail: string, rawCode: string): Promise<VerifyResult> {
  const email = normaliseEmail(rawEmail);
  const key = `${space.keyPrefix}${email}`;
  const code = rawCode.replace(/[\s-]/g, '');
  if (!code) throw invalid({ code: messages.codeMissing });
  if (!/^\d{6}$/.test(code)) throw invalid({ code: messages.codeFormat });
  const now = deps.clock.now();
  const latest = email ? await latestSignInCode(deps.db, key) : undefined;
  if (!latest) return { ok: false, message: messages.expired };
  if (latest.used_at) return { ok: false, message: messages.used };
  if (latest.attempts >= MAX_ATTEMPTS) return { ok: false, message: messages.tooManyAttempts };
  if (now.getTime() >= latest.expires_at.getTime()) return { ok: false, message: messages.expired };
  const attempts = await recordSignInAttempt(deps.db, latest.id, MAX_ATTEMPTS);
  if (attempts === undefined) return { ok: false, message: messages.tooManyAttempts };
  const hash = hashCode(pepper, key, code);
  if (sameHash(hash, latest.code_hash)) {
    return (await markSignInCodeUsed(deps.db, latest.id, now)) ? { ok: true, email } : { ok: false, message: messages.used };
  }
  if (attempts >= MAX_ATTEMPTS) return { ok: false, message: messages.tooManyAttempts };
  const older = await recentSupersededCodeHashes(deps.db, key, new Date(now.getTime() - HOUR_MS));
  if (older.some((h) => sameHash(hash, h))) return { ok: false, message: messages.superseded };
  return { ok: false, message: messages.incorrect };
}
