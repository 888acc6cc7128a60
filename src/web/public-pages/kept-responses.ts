import { etagOf } from './http-cache.ts';

/** A response body made once and sent many times, with its ETag worked out once. */
export interface KeptResponse {
  body: string;
  etag: string;
}

/**
 * Public responses kept in memory between requests: one entry per *slot* (what was asked: a page
 * and its query) holding the body of one *version* (what the body was made from, such as the
 * computed_at of the plan year's cached figures). A request whose version differs from the kept
 * one makes the body again and replaces it, so an old version is dropped as soon as a new one is
 * seen, and at most `limit` slots are kept (the least recently used goes first).
 *
 * Requests that arrive while a body is being made share that one making, so a refreshed year
 * costs one render, not one per waiting reader. A making that fails is not kept.
 */
export class KeptResponses {
  private readonly slots = new Map<string, { version: string; response: Promise<KeptResponse> }>();

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('KeptResponses needs a limit of at least 1');
  }

  get size(): number {
    return this.slots.size;
  }

  /** The body kept for `slot` at `version`, made by `make` if there is none. */
  obtain(slot: string, version: string, make: () => Promise<string> | string): Promise<KeptResponse> {
    const kept = this.slots.get(slot);
    if (kept?.version === version) {
      // Map order is insertion order: moving the slot to the end makes eviction least-recently-used.
      this.slots.delete(slot);
      this.slots.set(slot, kept);
      return kept.response;
    }
    const response = Promise.resolve()
      .then(make)
      .then((body) => ({ body, etag: etagOf(body) }));
    const entry = { version, response };
    this.slots.delete(slot);
    this.slots.set(slot, entry);
    while (this.slots.size > this.limit) this.slots.delete(this.slots.keys().next().value as string);
    response.catch(() => {
      if (this.slots.get(slot) === entry) this.slots.delete(slot);
    });
    return response;
  }
}
