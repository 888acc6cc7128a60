import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { planYearPeriod } from '../../src/domain/body-statistics.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { importCasesCsv } from '../../src/services/imports/history-imports.ts';
import { importRemediesCsv, remedySchema } from '../../src/services/imports/remedies-import.ts';
import { bodyStatistics, type BodyFigures } from '../../src/services/body-statistics.ts';
import { planYearTable } from '../../src/services/public-statistics/year-statistics.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { exportAsHistory, liveCase } from '../fixtures/remedies/live-casework.ts';

const fixture = (name: string) => new URL(`../fixtures/remedies/${name}`, import.meta.url).pathname;
const text = (content: string) => Readable.from([content]);
const t = (iso: string) => new Date(iso);
const YEAR_2017 = planYearPeriod(2017);
const byCode = (figures: BodyFigures[], code: string) => figures.find((f) => f.code === code);

describe('remedy rows', () => {
  const row = (fields: Partial<Record<string, string>>) => remedySchema.safeParse({ case_reference: '17 000 001', kind: 'apology', due_date: '2017-10-01', completed_at: '', status: 'pending', ...fields });
  it('maps the file’s kinds to ours and keeps completion as a London date', () => {
    expect(row({ kind: 'financial' }).data?.kind).toBe('financial-payment');
    // 23:30 UTC on 1 October 2017 is 00:30 on 2 October in London.
    expect(row({ completed_at: '2017-10-01T23:30:00Z', status: 'complied-late' }).data?.completedOn).toBe('2017-10-02');
    expect(row({ completed_at: '2017-10-01', status: 'complied-on-time' }).data).toEqual({ reference: '17 000 001', kind: 'apology', dueOn: '2017-10-01', completedOn: '2017-10-01', status: 'complied-on-time' });
  });
  it('refuses a status the dates contradict, as live casework works it out', () => {
    expect(row({ completed_at: '2017-10-02', status: 'complied-on-time' }).error?.issues[0]?.message).toMatch(/that is complied-late/);
    expect(row({ completed_at: '2017-10-01', status: 'complied-late' }).error?.issues[0]?.message).toMatch(/that is complied-on-time/);
    expect(row({ status: 'complied-late' }).error?.issues[0]?.message).toBe('status is complied-late but completed_at is empty');
    expect(row({ status: 'not-complied' }).success).toBe(true);
    expect(row({ completed_at: '2017-10-01T09:00:00', status: 'not-complied' }).error?.issues[0]?.message).toMatch(/no UTC offset/);
  });
});

describe.each(testEngines)('remedies import and history on %s', (engine) => {
  let database: TestDatabase;
  const deps = () => ({ db: database.db });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
  });
  afterAll(async () => database?.dispose());
  beforeEach(async () => {
    await sql`truncate remedies, case_bodies, case_events, cases, statistics_cache restart identity cascade`.execute(database.db);
    await importCasesCsv(database.db, fixture('cases.csv'));
  });

  it('keeps the good rows, rejects each bad one with its line and reason, and gives the hand-worked figures', async () => {
    const result = await importRemediesCsv(database.db, fixture('remedies.csv'));
    expect(result).toMatchObject({ rows: 10, imported: 5, updated: 0, unchanged: 0, rejectedCount: 5 });
    expect(Object.fromEntries(result.rejected.map((r) => [r.line, r.reason]))).toEqual({
      6: 'status is complied-on-time but completed_at 2017-10-02 is after due_date 2017-10-01: that is complied-late',
      7: 'there is no case 17 000 009: import the cases first',
      8: 'kind "refund" is not one of apology, financial, service-improvement, procedure-review, training, other',
      9: 'due_date "2017-13-01" is not a real date like 2017-06-30',
      10: 'completed_at is given but status is pending: a pending remedy has not been completed',
    });
    const figures = await bodyStatistics(deps(), YEAR_2017);
    expect(byCode(figures, 'X99000002')).toEqual({
      code: 'X99000002', received: 3, decisions: 3, investigations: 3, upheld: 2,
      upheld_rate: { numerator: 2, denominator: 3, value: 2 / 3 },
      remedied_by_body: { numerator: 1, denominator: 2, value: 0.5 },
      compliance: { numerator: 2, denominator: 3, value: 2 / 3 },
    });
    expect(byCode(figures, 'X99000006')).toMatchObject({ received: 1, decisions: 1, investigations: 0, upheld_rate: { numerator: 0, denominator: 0, value: null } });
    const stored = await database.db.selectFrom('remedies').select(['kind', 'settled_on', 'import_key', 'recorded_at']).where('kind', '=', 'financial-payment').executeTakeFirstOrThrow();
    expect(stored).toEqual({ kind: 'financial-payment', settled_on: '2017-10-05', import_key: '17 000 001|financial-payment|2017-10-01', recorded_at: null });
  });

  it('is idempotent, and a corrected file updates only what changed', async () => {
    await importRemediesCsv(database.db, fixture('remedies.csv'));
    const again = await importRemediesCsv(database.db, fixture('remedies.csv'));
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 5, rejectedCount: 5 });
    const corrected = await importRemediesCsv(database.db, text('case_reference,kind,due_date,completed_at,status\n17 000 001,service-improvement,2018-01-31,2018-01-15,complied-on-time\n17 000 001,apology,2017-10-01,2017-09-20,complied-on-time\n'));
    expect(corrected).toMatchObject({ imported: 0, updated: 1, unchanged: 1, rejectedCount: 0 });
    expect(await database.db.selectFrom('remedies').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 5 });
  });

  it('never overwrites live work: a case registered in Redress, or a remedy settled in Redress since', async () => {
    await importRemediesCsv(database.db, fixture('remedies.csv'));
    await database.db.updateTable('remedies').set({ recorded_at: t('2018-01-16T10:00:00Z'), status: 'complied-on-time', settled_on: '2018-01-16' }).where('kind', '=', 'service-improvement').execute();
    await database.db.updateTable('cases').set({ imported: false }).where('reference', '=', '17 000 002').execute();
    const result = await importRemediesCsv(database.db, text('case_reference,kind,due_date,completed_at,status\n17 000 001,service-improvement,2018-01-31,,pending\n17 000 002,apology,2017-12-01,,pending\n'));
    expect(result.rejected).toEqual([
      { line: 2, reason: 'this remedy of case 17 000 001 has been settled in Redress since it was imported, so the import leaves it as it is' },
      { line: 3, reason: 'case 17 000 002 was registered in Redress, so its remedies are recorded there, not imported' },
    ]);
    expect((await database.db.selectFrom('remedies').select('status').where('kind', '=', 'service-improvement').executeTakeFirstOrThrow()).status).toBe('complied-on-time');
  });

  it('forgets the cached public figures when it changes anything', async () => {
    const statsDeps = { db: database.db, clock: fixedClock(t('2018-06-01T12:00:00Z')) };
    const before = await planYearTable(statsDeps, 2017);
    expect(before.rows.find((r) => r.code === 'X99000002')?.compliance.denominator).toBe(0);
    await importRemediesCsv(database.db, fixture('remedies.csv'));
    const after = await planYearTable(statsDeps, 2017);
    expect(after.rows.find((r) => r.code === 'X99000002')?.compliance).toEqual({ numerator: 2, denominator: 3, value: 2 / 3 });
  });
});

describe.each(testEngines)('imported history and live casework on %s', (engine) => {
  let live: TestApp;
  let imported: TestDatabase;

  beforeAll(async () => {
    live = await createTestApp(engine, t('2017-04-01T09:00:00Z'));
    imported = await createTestDatabase(engine);
    await upsertBodies(imported.db, fictionalDemoBodies());
  });
  afterAll(async () => {
    await live?.dispose();
    await imported?.dispose();
  });

  it('give the same figures for the same cases', async () => {
    const bodyId = async (code: string) => (await live.database.db.selectFrom('bodies').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    const district = await bodyId('X99000002');
    const otherDistrict = await bodyId('X99000006');
    // X99000002: 1 upheld with three remedies (on time, late, not complied), 1 remedied by the
    // body, 1 not upheld, 1 upheld with a service improvement still within its due date (not
    // closed, so not yet a decision). X99000006: 1 closed at assessment. (The cases file links a
    // case to one body, so a case about two bodies has no imported twin.)
    await liveCase(live, { bodyIds: [district], receivedAt: t('2017-05-02T09:00:00Z'), path: {
      kind: 'investigated', outcome: 'upheld-fault-injustice', decidedAt: t('2017-07-03T10:00:00Z'), remedies: [
        { kind: 'apology', description: 'Apologise to Mr Example', dueOn: '2017-08-01', settle: { on: '2017-07-20', complied: true } },
        { kind: 'financial-payment', description: 'Pay Mr Example £250', dueOn: '2017-08-01', settle: { on: '2017-08-10', complied: true } },
        { kind: 'other', description: 'Reassess Mr Example', dueOn: '2017-08-01', settle: { on: '2017-08-15', complied: false } },
      ] } });
    await liveCase(live, { bodyIds: [district], receivedAt: t('2017-05-03T09:00:00Z'), path: { kind: 'investigated', outcome: 'upheld-remedied-by-body', decidedAt: t('2017-07-04T10:00:00Z') } });
    await liveCase(live, { bodyIds: [district], receivedAt: t('2017-05-04T09:00:00Z'), path: { kind: 'investigated', outcome: 'not-upheld', decidedAt: t('2018-03-31T22:30:00Z') } });
    await liveCase(live, { bodyIds: [otherDistrict], receivedAt: t('2017-05-05T09:00:00Z'), path: { kind: 'closed-at-assessment', at: t('2017-05-20T10:00:00Z') } });
    await liveCase(live, { bodyIds: [district], receivedAt: t('2018-01-10T09:00:00Z'), path: {
      kind: 'investigated', outcome: 'upheld-fault-no-injustice', decidedAt: t('2018-03-01T10:00:00Z'), remedies: [
        { kind: 'service-improvement', description: 'Review the homelessness letters', dueOn: '2018-06-01' },
      ] } });
    await liveCase(live, { bodyIds: [district], receivedAt: t('2018-04-02T09:00:00Z'), path: { kind: 'open' } });

    const files = await exportAsHistory(live);
    const casesResult = await importCasesCsv(imported.db, text(files.cases));
    expect(casesResult.rejectedCount).toBe(0);
    const remediesResult = await importRemediesCsv(imported.db, text(files.remedies));
    expect(remediesResult).toMatchObject({ imported: 4, rejectedCount: 0 });

    const periods = [YEAR_2017, planYearPeriod(2018), { from: '2017-07-01', to: '2017-08-31' }, { from: '2018-03-31', to: '2018-03-31' }];
    for (const period of periods) {
      expect(await bodyStatistics({ db: imported.db }, period), `${period.from}..${period.to}`).toEqual(await bodyStatistics(live.services, period));
    }
    const year = await bodyStatistics(live.services, YEAR_2017);
    expect(byCode(year, 'X99000002')).toEqual({
      code: 'X99000002', received: 4, decisions: 3, investigations: 3, upheld: 2,
      upheld_rate: { numerator: 2, denominator: 3, value: 2 / 3 },
      remedied_by_body: { numerator: 1, denominator: 2, value: 0.5 },
      compliance: { numerator: 2, denominator: 3, value: 2 / 3 },
    });
    expect(byCode(year, 'X99000006')).toMatchObject({ received: 1, decisions: 1, investigations: 0, upheld_rate: { value: null } });
  });
});
