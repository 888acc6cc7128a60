import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { stages } from '../../src/domain/case-lifecycle.ts';
import { londonDate } from '../../src/domain/london-time.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { demoStaff, mulberry32, seedDemoData, type SeedDemoResult, type SeedLog } from '../../src/services/demo-seed.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';

// Twelve months back from here spans two years of references (2026 and 2027).
const NOW = new Date('2027-03-15T11:00:00Z');
const CASES = 300;
const REFERENCE = /^\d{2} \d{3} \d{3}$/;
const quiet: SeedLog = { info: () => undefined };

function seed(db: Kysely<Database>, extra: { cases?: number; random?: () => number; onlyIfEmpty?: boolean } = {}, log = quiet) {
  return seedDemoData({ db, calendar: defaultCalendar(), now: NOW, cases: CASES, log, ...extra });
}

/** What identifies the seeded data: every case's reference, receipt, stage and outcome, in reference order. */
async function fingerprint(db: Kysely<Database>) {
  const rows = await db.selectFrom('cases').select(['reference', 'received_at', 'stage', 'outcome', 'category']).orderBy('reference').execute();
  return rows.map((r) => `${r.reference}|${r.received_at.toISOString()}|${r.stage}|${r.outcome ?? ''}|${r.category}`);
}

describe.each(testEngines)('demo data seed on %s', (engine) => {
  let database: TestDatabase;
  let result: SeedDemoResult;
  const progress: object[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
    result = await seed(database.db, {}, {
      info: (facts) => {
        progress.push(facts);
      },
    });
  });
  afterAll(async () => database?.dispose());

  const allCases = () => database.db.selectFrom('cases').selectAll().orderBy('id').execute();

  it('creates every demo account and the cases asked for, logging progress', async () => {
    expect(result).toEqual({ staff: demoStaff.length, cases: CASES });
    expect(progress.at(-1)).toEqual({ done: CASES, total: CASES });
    const staff = await database.db.selectFrom('staff_users').select(['email', 'roles', 'team']).execute();
    expect(staff.map((s) => s.email).sort()).toEqual(demoStaff.map((s) => s.email).sort());
    for (const role of ['intake', 'assessor', 'investigator', 'team-manager', 'ombudsman', 'admin']) {
      expect(staff.some((s) => s.roles.includes(role)), role).toBe(true);
    }
    expect(staff.filter((s) => s.roles.includes('investigator')).map((s) => s.team).sort()).toEqual(['investigation', 'investigation', 'investigation', 'joint']);
    expect(await allCases()).toHaveLength(CASES);
  });

  it('represents every stage', async () => {
    const rows = await allCases();
    for (const stage of stages) expect(rows.filter((c) => c.stage === stage).length, stage).toBeGreaterThan(0);
    expect(rows.every((c) => (stages as readonly string[]).includes(c.stage))).toBe(true);
  });

  it('gives closed cases a closing date and outcome, and open ones neither (bar a final decision awaiting compliance)', async () => {
    for (const c of await allCases()) {
      if (c.stage === 'closed') {
        expect(c.closed_at, c.reference).not.toBeNull();
        expect(c.outcome, c.reference).not.toBeNull();
        expect(c.decided_at, c.reference).not.toBeNull();
      } else {
        expect(c.closed_at, c.reference).toBeNull();
        // The final decision sets the outcome; the case stays open until its remedies are settled.
        expect(c.outcome === null, c.reference).toBe(c.stage !== 'compliance');
      }
      if (c.outcome === 'closed-after-initial-enquiries') expect(c.closing_reason, c.reference).not.toBeNull();
      if (c.jurisdiction !== 'local-government') expect(c.category, c.reference).toBe('Adult care services');
      expect(c.assessment_due_on, c.reference).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('allocates only to investigators, and every case past allocation has its investigator', async () => {
    const staff = await database.db.selectFrom('staff_users').select(['id', 'roles']).execute();
    const ids = new Set(staff.filter((s) => s.roles.includes('investigator')).map((s) => s.id));
    for (const c of await allCases()) {
      expect(c.owner_id !== null, c.reference).toBe(c.allocated_at !== null);
      if (c.owner_id !== null) expect(ids.has(c.owner_id), c.reference).toBe(true);
      if (['investigation', 'draft-decision', 'compliance'].includes(c.stage)) expect(c.owner_id, c.reference).not.toBeNull();
      const passed = c.allocated_at !== null || c.stage === 'awaiting-allocation';
      expect(c.team, c.reference).toBe(c.joint ? 'joint' : passed ? 'investigation' : 'assessment');
    }
  });

  it('never dates a milestone before receipt or after now, and keeps them in lifecycle order', async () => {
    for (const c of await allCases()) {
      const received = c.received_at.getTime();
      const milestones = [c.registered_at, c.assessment_decided_at, c.allocated_at, c.draft_shared_at, c.decided_at, c.closed_at, c.clock_stopped_at];
      for (const m of milestones) {
        if (m === null) continue;
        expect(m.getTime(), c.reference).toBeGreaterThanOrEqual(received);
        expect(m.getTime(), c.reference).toBeLessThanOrEqual(NOW.getTime());
      }
      const ordered = [c.allocated_at, c.draft_shared_at, c.decided_at, c.closed_at].filter((m): m is Date => m !== null).map((m) => m.getTime());
      expect(ordered, c.reference).toEqual([...ordered].sort((a, b) => a - b));
    }
  });

  it('gives each case a timeline that starts with its registration and matches its milestones', async () => {
    const events = await database.db.selectFrom('case_events').select(['case_id', 'kind', 'occurred_at', 'facts']).orderBy('id').execute();
    const byCase = new Map<number, typeof events>();
    for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), e]);
    for (const c of await allCases()) {
      const timeline = byCase.get(c.id) ?? [];
      expect(timeline[0]?.kind, c.reference).toBe('case-registered');
      expect(timeline[0]?.occurred_at.getTime(), c.reference).toBe(c.registered_at.getTime());
      expect(timeline.filter((e) => e.kind === 'case-registered'), c.reference).toHaveLength(1);
      const times = timeline.map((e) => e.occurred_at.getTime());
      expect(times, c.reference).toEqual([...times].sort((a, b) => a - b));
      const closed = timeline.filter((e) => e.kind === 'case-closed');
      expect(closed.map((e) => e.occurred_at.getTime()), c.reference).toEqual(c.closed_at ? [c.closed_at.getTime()] : []);
      if (c.closed_at) expect(timeline.at(-1)?.kind, c.reference).toBe('case-closed');
      const allocated = timeline.find((e) => e.kind === 'allocated');
      expect(allocated?.occurred_at.getTime() ?? null, c.reference).toBe(c.allocated_at?.getTime() ?? null);
      if (allocated) expect(allocated.facts.investigatorId, c.reference).toBe(c.owner_id);
      const final = timeline.find((e) => e.kind === 'final-decision-issued');
      expect(final?.occurred_at.getTime() ?? null, c.reference).toBe(c.allocated_at ? (c.decided_at?.getTime() ?? null) : null);
    }
  });

  it('keeps decisions, remedies, joint working and clock stops consistent with the stage', async () => {
    const { db } = database;
    const [decisions, remedies, joint, stops] = await Promise.all([
      db.selectFrom('decisions').selectAll().execute(),
      db.selectFrom('remedies').selectAll().execute(),
      db.selectFrom('joint_working').selectAll().execute(),
      db.selectFrom('clock_stops').selectAll().execute(),
    ]);
    for (const c of await allCases()) {
      const drafts = decisions.filter((d) => d.case_id === c.id && d.kind === 'draft');
      if (c.stage === 'draft-decision') {
        expect(drafts, c.reference).toHaveLength(1);
        expect(drafts[0]?.comments_due_on, c.reference).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
      const pending = remedies.filter((r) => r.case_id === c.id && r.status === 'pending');
      expect(pending.length > 0, c.reference).toBe(c.stage === 'compliance');
      expect(joint.some((j) => j.case_id === c.id), c.reference).toBe(c.joint);
      const open = stops.filter((s) => s.case_id === c.id && s.restarted_at === null);
      expect(open.length, c.reference).toBe(c.clock_stopped_at ? 1 : 0);
      if (c.clock_stopped_at) expect(open[0]?.stopped_at.getTime(), c.reference).toBe(c.clock_stopped_at.getTime());
    }
    expect(joint.length).toBeGreaterThan(0);
    expect(stops.filter((s) => s.restarted_at === null).length).toBeGreaterThan(0);
    expect(stops.filter((s) => s.restarted_at !== null).length).toBeGreaterThan(0);
    const payments = remedies.filter((r) => r.kind === 'financial-payment');
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.every((r) => r.amount_pence !== null && r.amount_pence >= 10_000 && r.amount_pence <= 200_000)).toBe(true);
  });

  it('uses unique references in the ombudsman’s format, numbered by year of receipt', async () => {
    const rows = await allCases();
    const references = rows.map((c) => c.reference);
    expect(new Set(references).size).toBe(references.length);
    for (const c of rows) {
      expect(c.reference).toMatch(REFERENCE);
      expect(c.reference.slice(0, 2), c.reference).toBe(londonDate(c.received_at).slice(2, 4));
    }
  });

  it('leaves each year’s reference sequence at the highest reference used', async () => {
    const sequences = await database.db.selectFrom('reference_sequences').selectAll().orderBy('year').execute();
    const highest = new Map<number, number>();
    for (const c of await allCases()) {
      const year = 2000 + Number(c.reference.slice(0, 2));
      highest.set(year, Math.max(highest.get(year) ?? 0, Number(c.reference.slice(3).replace(' ', ''))));
    }
    expect(sequences).toEqual([...highest].sort(([a], [b]) => a - b).map(([year, last_value]) => ({ year, last_value })));
    expect(sequences.map((s) => s.year)).toEqual([2026, 2027]);
  });

  it('is the same every time for the same seed, and differs for another', async () => {
    const other = await createTestDatabase(engine);
    try {
      await expect(seed(other.db)).rejects.toThrow(/no councils/);
      expect(await other.db.selectFrom('staff_users').select('id').execute()).toEqual([]);
      await upsertBodies(other.db, fictionalDemoBodies());
      expect(await seed(other.db, { random: mulberry32(2017) })).toEqual({ staff: demoStaff.length, cases: CASES });
      expect(await fingerprint(other.db)).toEqual(await fingerprint(database.db));
      // Another seed: other receipts (compared without the references, which continue the sequences).
      const receipts = async (limit: number, order: 'asc' | 'desc') =>
        (await other.db.selectFrom('cases').select('received_at').orderBy('id', order).limit(limit).execute()).map((r) => r.received_at.getTime()).sort();
      const firstReceipts = await receipts(50, 'asc');
      await seed(other.db, { random: mulberry32(42), cases: 50 });
      expect(await receipts(50, 'desc')).not.toEqual(firstReceipts);
    } finally {
      await other.dispose();
    }
  });

  // Runs last: it adds to the shared database.
  it('skips existing staff and continues the reference sequences when run again', async () => {
    const { db } = database;
    expect(await seed(db, { onlyIfEmpty: true })).toEqual({ staff: 0, cases: 0 });
    const before = await db.selectFrom('reference_sequences').selectAll().execute();
    expect(await seed(db, { cases: 20, random: mulberry32(7) })).toEqual({ staff: 0, cases: 20 });
    const references = (await allCases()).map((c) => c.reference);
    expect(references).toHaveLength(CASES + 20);
    expect(new Set(references).size).toBe(CASES + 20);
    const after = await db.selectFrom('reference_sequences').selectAll().execute();
    const added = await db.selectFrom('cases').select('reference').orderBy('id', 'desc').limit(20).execute();
    for (const { reference } of added) {
      const year = 2000 + Number(reference.slice(0, 2));
      const sequence = Number(reference.slice(3).replace(' ', ''));
      expect(sequence, reference).toBeGreaterThan(before.find((s) => s.year === year)?.last_value ?? 0);
      expect(sequence, reference).toBeLessThanOrEqual(after.find((s) => s.year === year)?.last_value ?? 0);
    }
  });
});
