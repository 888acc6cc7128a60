import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { bodyStatisticsJson, bodyStatisticsTable, formatRate, registerReportCommands } from '../../src/cli-report.ts';
import { registerImportCommands, type WithSystem } from '../../src/cli-imports.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { CalendarHolder, syncBankHolidays } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import { rate, type BodyFigures } from '../../src/domain/body-statistics.ts';
import type { System } from '../../src/system.ts';
import { AppError } from '../../src/services/errors.ts';

const fixture = (name: string) => new URL(`../fixtures/remedies/${name}`, import.meta.url).pathname;

const body = (code: string, fields: Partial<BodyFigures> = {}): BodyFigures => ({
  code, received: 0, decisions: 0, investigations: 0, upheld: 0,
  upheld_rate: rate(0, 0), remedied_by_body: rate(0, 0), compliance: rate(0, 0), ...fields,
});

describe('report body-statistics output', () => {
  const period = { from: '2017-04-01', to: '2018-03-31' };
  const bodies = [
    body('E06000001', { received: 1234, decisions: 40, investigations: 4, upheld: 3, upheld_rate: rate(3, 4), remedied_by_body: rate(1, 3), compliance: rate(2, 3) }),
    body('E07000002'),
  ];

  it('prints exactly the promised keys, in order', () => {
    const json = bodyStatisticsJson(period, bodies);
    expect(Object.keys(json)).toEqual(['from', 'to', 'bodies']);
    for (const b of json.bodies) {
      expect(Object.keys(b)).toEqual(['code', 'received', 'decisions', 'investigations', 'upheld', 'upheld_rate', 'remedied_by_body', 'compliance']);
      for (const r of [b.upheld_rate, b.remedied_by_body, b.compliance]) expect(Object.keys(r)).toEqual(['numerator', 'denominator', 'value']);
    }
    expect(JSON.parse(JSON.stringify(json)).bodies[1].upheld_rate).toEqual({ numerator: 0, denominator: 0, value: null });
  });

  it('prints an aligned table of the bodies with anything in the period', () => {
    const lines = bodyStatisticsTable(period, bodies).split('\n');
    expect(lines[0]).toBe('Body statistics, 2017-04-01 to 2018-03-31');
    expect(lines[4]).toMatch(/^E06000001\s+1,234\s+40\s+4\s+3\s+75\.0% \(3\/4\)\s+33\.3% \(1\/3\)\s+66\.7% \(2\/3\)$/);
    expect(lines[2]?.length).toBe(lines[4]?.length);
    expect(lines).toContain('1 bodies with cases or remedies in the period; 1 without. – : nothing to divide by (no investigations, nothing upheld, no remedy settled).');
    expect(formatRate(rate(0, 0))).toBe('–');
  });
});

describe.each(testEngines)('import remedies and report body-statistics commands on %s', (engine) => {
  let database: TestDatabase;
  let withSystem: WithSystem;
  let out = '';
  let err = '';

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    await upsertBodies(database.db, fictionalDemoBodies());
    await syncBankHolidays(database.db, 2015, 2020);
    const holidays = new CalendarHolder(database.db);
    await holidays.refresh();
    const system = {
      database,
      readReplica: undefined,
      holidays,
      services: { db: database.db, clock: fixedClock(new Date('2018-06-01T12:00:00Z')), calendar: holidays.get, files: undefined as never },
      close: async () => undefined,
    } as unknown as System;
    withSystem = (async (work) => work(system, {} as never, {} as never)) as WithSystem;
  });
  afterAll(async () => database?.dispose());
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  async function run(...args: string[]) {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    const program = new Command().exitOverride();
    registerImportCommands(program.command('import'), withSystem);
    registerReportCommands(program, withSystem);
    try {
      await program.parseAsync(['node', 'redress', ...args]);
    } finally {
      vi.restoreAllMocks();
    }
  }

  it('imports the remedies file, lists rejected rows and exits 1, then reports the hand-worked figures as JSON', async () => {
    await run('import', 'cases', fixture('cases.csv'));
    expect(out).toMatch(/imported 4 new/);
    process.exitCode = undefined;
    await run('import', 'remedies', fixture('remedies.csv'));
    expect(out).toMatch(/^Imported remedies from .*remedies\.csv in .*: 10 rows read; imported 5 new, 0 updated, 0 unchanged; rejected 5\./);
    expect(out).toContain('  line 7: there is no case 17 000 009: import the cases first');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;

    await run('report', 'body-statistics', '--from', '2017-04-01', '--to', '2018-03-31', '--json');
    const json = JSON.parse(out) as ReturnType<typeof bodyStatisticsJson>;
    expect(json.from).toBe('2017-04-01');
    expect(json.to).toBe('2018-03-31');
    expect(json.bodies.map((b) => b.code)).toEqual(['X99000001', 'X99000002', 'X99000003', 'X99000004', 'X99000005', 'X99000006']);
    expect(json.bodies[1]).toEqual({
      code: 'X99000002', received: 3, decisions: 3, investigations: 3, upheld: 2,
      upheld_rate: { numerator: 2, denominator: 3, value: 2 / 3 },
      remedied_by_body: { numerator: 1, denominator: 2, value: 0.5 },
      compliance: { numerator: 2, denominator: 3, value: 2 / 3 },
    });
    expect(json.bodies[5]?.upheld_rate).toEqual({ numerator: 0, denominator: 0, value: null });

    await run('report', 'body-statistics', '--from', '2017-04-01', '--to', '2018-03-31');
    expect(out).toMatch(/X99000002\s+3\s+3\s+3\s+2\s+66\.7% \(2\/3\)\s+50\.0% \(1\/2\)\s+66\.7% \(2\/3\)/);
  });

  it('refuses a date that is not real before opening the database', async () => {
    await expect(run('report', 'body-statistics', '--from', '2017-04-01', '--to', '2018-02-30')).rejects.toBeInstanceOf(AppError);
  });

  it('says so when the file is missing', async () => {
    await run('import', 'remedies', fixture('no-such-file.csv'));
    expect(err).toMatch(/^Cannot import remedies: there is no file .*no-such-file\.csv/);
    expect(process.exitCode).toBe(1);
  });
});
