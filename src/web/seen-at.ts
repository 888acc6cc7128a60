/**
 * The portals sign a person out after a while with nothing done, so each request notes when they
 * were last seen. Noting it on every request wrote the session back on every page view (an upsert
 * and a WAL flush each); to the minute is as precise as a 30-minute idle limit needs, so a
 * request writes it only when the last note is a minute old. The limit then ends between 29 and
 * 30 minutes after the last request.
 */
export const SEEN_AT_PRECISION_MS = 60_000;

/** The time to store as last seen: `now`, or the stored one while it is less than a minute old. */
export function seenAtAfter(seenAt: number | undefined, now: number): number {
  return seenAt !== undefined && now - seenAt >= 0 && now - seenAt < SEEN_AT_PRECISION_MS ? seenAt : now;
}
