import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { testEngines } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { HOUSEKEEPING, nextHousekeepingRun, scheduleHousekeeping } from '../../src/jobs/housekeeping.ts';
import { jobHandlers } from '../../src/jobs/handlers.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';

const log = pino({ level: 'silent' });
const at = (iso: string) => new Date(iso);

describe('when housekeeping runs', () => {
  it('runs at 02:00 UTC, today if that is still ahead, else tomorrow', () => {
    expect(nextHousekeepingRun(at('2026-03-02T01:59:00Z'))).toEqual(at('2026-03-02T02:00:00Z'));
    expect(nextHousekeepingRun(at('2026-03-02T02:00:00Z'))).toEqual(at('2026-03-03T02:00:00Z'));
    expect(nextHousekeepingRun(at('2026-12-31T23:00:00Z'))).toEqual(at('2027-01-01T02:00:00Z'));
  });
});

describe.each(testEngines)('housekeeping on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(engine, at('2026-03-02T10:00:00Z')); });
  afterAll(async () => t?.dispose());

  it('deletes expired sessions, abandoned drafts and old finished jobs, keeps the rest, and books its next run', async () => {
    const db = t.database.db;
    await db.insertInto('sessions').values([
      { sid: 'expired', data: JSON.stringify({}), expires_at: at('2026-03-03T01:00:00Z') },
      { sid: 'live', data: JSON.stringify({}), expires_at: at('2026-03-03T09:00:00Z') },
    ]).execute();
    const draft = (id: string, updated: string) => ({ id, answers: '{}', created_at: at(updated), updated_at: at(updated) });
    await db.insertInto('complaint_drafts').values([
      draft('00000000-0000-4000-8000-000000000001', '2026-01-15T10:00:00Z'), // 47 days before the run
      draft('00000000-0000-4000-8000-000000000002', '2026-02-20T10:00:00Z'),
    ]).execute();
    const job = (kind: string, done: string | null, failed: string | null) => ({ kind, payload: '{}', run_at: at('2026-01-01T00:00:00Z'), created_at: at('2026-01-01T00:00:00Z'), done_at: done ? at(done) : null, failed_at: failed ? at(failed) : null });
    await db.insertInto('jobs').values([
      job('old-done', '2026-01-10T00:00:00Z', null),
      job('old-failed', null, '2026-01-10T00:00:00Z'),
      job('recent-done', '2026-02-25T00:00:00Z', null),
    ]).execute();

    await scheduleHousekeeping(t.services);
    t.clock.set(at('2026-03-03T02:00:00Z'));
    await runDueJobs({ db, handlers: jobHandlers(t.services, localOutbox()), clock: t.clock, log });

    expect((await db.selectFrom('sessions').select('sid').execute()).map((s) => s.sid)).toEqual(['live']);
    expect((await db.selectFrom('complaint_drafts').select('id').execute()).map((d) => d.id)).toEqual(['00000000-0000-4000-8000-000000000002']);
    const kinds = (await db.selectFrom('jobs').select('kind').execute()).map((j) => j.kind);
    expect(kinds).not.toContain('old-done');
    expect(kinds).not.toContain('old-failed');
    expect(kinds).toContain('recent-done');
    const pending = await db.selectFrom('jobs').select('run_at').where('kind', '=', HOUSEKEEPING).where('done_at', 'is', null).execute();
    expect(pending.map((j) => j.run_at)).toEqual([at('2026-03-04T02:00:00Z')]);
  });
});
