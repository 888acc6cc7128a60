import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { testEngines } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { jobHandlers, scheduleRecurringJobs } from '../../src/jobs/handlers.ts';
import { REFRESH_EVERY_MS, REFRESH_PUBLIC_STATISTICS } from '../../src/jobs/statistics-jobs.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { localOutbox } from '../../src/notify/local-outbox.ts';

const log = pino({ level: 'silent' });

describe.each(testEngines)('public statistics are computed ahead of readers (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(engine, new Date('2026-03-02T10:00:00Z')); });
  afterAll(async () => t?.dispose());

  it('runs at start-up, fills the cache, and books itself again a few minutes later, once however many workers start', async () => {
    const db = t.database.db;
    await Promise.all([scheduleRecurringJobs(t.services), scheduleRecurringJobs(t.services)]);
    const pending = () => db.selectFrom('jobs').select('run_at').where('kind', '=', REFRESH_PUBLIC_STATISTICS).where('done_at', 'is', null).execute();
    expect(await pending()).toHaveLength(1);

    await runDueJobs({ db, handlers: jobHandlers(t.services, localOutbox()), clock: t.clock, log });
    const cached = await db.selectFrom('statistics_cache').select('key').execute();
    expect(cached.length).toBeGreaterThan(0);
    expect((await pending()).map((j) => j.run_at)).toEqual([new Date(t.clock.now().getTime() + REFRESH_EVERY_MS)]);
  });
});
