import { createHash } from 'node:crypto';

/** A short, stable digest of some JSON-able values: a cache key for what a response is made from. */
export function fingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 27);
}
