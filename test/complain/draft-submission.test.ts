import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { createDraft, loadDraft, submitDraft } from '../../src/services/complain/drafts.ts';
import { testEngines } from '../helpers/databases.ts';
import { createComplainApp, type ComplainTestApp } from './support.ts';

/**
 * Sending an online complaint is one transaction (claim the draft, record the contact and case,
 * link them, queue the acknowledgement), with the reference number taken just before it. On both
 * engines, since only PostgreSQL runs the racing requests' transactions side by side.
 */
describe.each(testEngines)('sending an online complaint on %s', (engine) => {
  let t: ComplainTestApp;
  const start = new Date('2026-05-18T09:00:00Z');

  beforeAll(async () => {
    t = await createComplainApp(engine, start);
  });
  afterAll(async () => t?.dispose());

  async function completeDraft(email: string): Promise<string> {
    return createDraft(t.services, {
      bodyId: t.councilId, bodyName: t.councilName, bodyNotListed: false, whatHappened: 'What happened', injustice: 'Harm', desiredOutcome: 'An apology',
      complainedToBody: 'yes', complainingFor: 'myself', fullName: `Person ${email}`, email, contactPreference: 'email', needsAdjustments: 'no',
    });
  }

  async function recordedFor(email: string) {
    const people = await t.database.db.selectFrom('people').select('id').where('email', '=', email).execute();
    const ids = people.map((p) => p.id);
    const cases = ids.length ? await t.database.db.selectFrom('cases').select(['id', 'reference']).where('complainant_id', 'in', ids).execute() : [];
    const contacts = ids.length ? await t.database.db.selectFrom('contacts').select('id').where('person_id', 'in', ids).execute() : [];
    const acknowledgements = await t.database.db.selectFrom('notifications').select('id').where('recipient', '=', email).where('template', '=', 'case-received').execute();
    return { people: people.length, contacts: contacts.length, cases: cases.map((c) => c.reference), acknowledgements: acknowledgements.length };
  }

  async function lastNumberOf(year: number): Promise<number> {
    const row = await t.database.db.selectFrom('reference_sequences').select('last_value').where('year', '=', year).executeTakeFirst();
    return row?.last_value ?? 0;
  }

  it('leaves the draft unsent and nothing recorded when the request dies while recording the case; sending again makes the one case', async () => {
    t.clock.set(start);
    const id = await completeDraft('dies@example.com');
    // The process dies part-way through recording the case (the deadline is worked out after the
    // draft is claimed and the person and contact are written): from then on nothing this request
    // would do reaches the database, as after a SIGKILL.
    let dead = false;
    const db = new Proxy(t.services.db, {
      get(target, property) {
        if (dead) throw new Error('the process is gone');
        const value: unknown = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Kysely<Database>;
    const dying: ServiceDeps = {
      ...t.services,
      db,
      calendar: () => {
        dead = true;
        throw new Error('killed while recording the case');
      },
    };
    await expect(submitDraft(dying, id)).rejects.toThrow('killed while recording the case');
    expect(dead).toBe(true);

    // Not "still sending": the draft was never claimed, and nothing of the attempt is kept.
    expect(await loadDraft(t.services, id)).toMatchObject({ submittedAt: null, caseId: null });
    expect(await recordedFor('dies@example.com')).toEqual({ people: 0, contacts: 0, cases: [], acknowledgements: 0 });

    t.clock.advance(1_000);
    const outcome = await submitDraft(t.services, id);
    expect(outcome.status).toBe('sent');
    const reference = outcome.status === 'sent' ? outcome.complaint.reference : '';
    expect(await recordedFor('dies@example.com')).toEqual({ people: 1, contacts: 1, cases: [reference], acknowledgements: 1 });
    expect(await loadDraft(t.services, id)).toMatchObject({ submittedAt: t.clock.now(), caseId: expect.any(Number) });
  });

  it('makes one case from many submissions of a draft at once, and tells every one of them its reference', async () => {
    t.clock.set(start);
    const id = await completeDraft('race@example.com');
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => submitDraft(t.services, id)));
    const references = outcomes.map((o) => (o.status === 'sent' ? o.complaint.reference : o.status));
    const recorded = await recordedFor('race@example.com');
    expect(recorded).toEqual({ people: 1, contacts: 1, cases: [references[0]], acknowledgements: 1 });
    // The requests that lost the race waited for (or found) the winner's case rather than reporting "still sending".
    expect(new Set(references)).toEqual(new Set(recorded.cases));
  });

  it('takes no reference number to send again a complaint already sent', async () => {
    t.clock.set(start);
    const id = await completeDraft('again@example.com');
    const first = await submitDraft(t.services, id);
    expect(first.status).toBe('sent');
    const numbersUsed = await lastNumberOf(2026);
    t.clock.advance(60_000);
    expect(await submitDraft(t.services, id)).toEqual(first);
    expect(await submitDraft(t.services, id)).toEqual(first);
    expect(await lastNumberOf(2026)).toBe(numbersUsed);
    expect((await recordedFor('again@example.com')).cases).toHaveLength(1);
  });
});
