import { emailHasCase } from '../../data/repositories/portal.ts';
import type { ServiceDeps } from '../deps.ts';
import { codePepper, requestEmailCode, verifyEmailCode, type EmailCodeSpace, type VerifyResult } from '../email-code.ts';

/**
 * Signing in to the complainant portal with an emailed code (services/email-code.ts). Only an
 * address with a complaint with us is sent the code. Complainants' codes are kept under the bare
 * address, as they were before link officers had codes of their own.
 */
export const complainantCodes: EmailCodeSpace = {
  pepperLabel: 'redress portal sign-in code pepper',
  keyPrefix: '',
  isKnown: emailHasCase,
  template: 'sign-in-code',
};

/** The pepper for complainants' code hashes. */
export function signInPepper(sessionSecret: string): string {
  return codePepper(sessionSecret, complainantCodes);
}

/** Makes and (for an address with a complaint) emails a new code; returns the normalised address whatever happened. */
export async function requestSignInCode(deps: ServiceDeps, pepper: string, raw: { email: string }, options: { maxPerHour?: number } = {}): Promise<{ email: string }> {
  return requestEmailCode(deps, complainantCodes, pepper, raw, options);
}

/** Checks a typed code against the newest complainant code for the address; every check counts as an attempt. */
export async function verifySignInCode(deps: ServiceDeps, pepper: string, email: string, code: string): Promise<VerifyResult> {
  return verifyEmailCode(deps, complainantCodes, pepper, email, code);
}
