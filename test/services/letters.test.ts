import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import pino from 'pino';
import { createTestDatabase, testEngines, type TestDatabase } from '../helpers/databases.ts';
import { upsertBodies, type NewBody } from '../../src/data/repositories/bodies.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { fixedClock } from '../../src/services/clock.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { CalendarHolder, syncBankHolidays } from '../../src/services/bank-holidays.ts';
import { AppError } from '../../src/services/errors.ts';
import type { Role } from '../../src/domain/vocabulary.ts';
import { DEFAULT_STATEMENT } from '../../src/domain/annual-letters.ts';
import { generateLetter, snapshotOf, type LetterOptions } from '../../src/services/letters/generate-letter.ts';
import { publishedLetterFigures } from '../../src/services/letters/letter-figures.ts';
import { GENERATE_LETTERS, LETTERS_PER_CHUNK, letterBatchProgress, letterPlanYears, requestLetterBatch, runLetterChunk } from '../../src/services/letters/letter-batches.ts';
import {
  draftLetterFile, editLetterStatement, letterDetails, listLetters, publishedLetter, publishLetter, regenerateLetter, reviewLetter, unpublishLetter,
} from '../../src/services/letters/letter-review.ts';
import { letterJobHandlers } from '../../src/jobs/letter-jobs.ts';
import { runDueJobs } from '../../src/jobs/worker.ts';
import { addUpheldCase, pdfText, seedPlanYear2017 } from './letters-support.ts';

const silent = pino({ level: 'silent' });
const uncompressed: LetterOptions = { compressPdf: false };

/** 15 more fictional district councils, so a year's batch takes more than one chunk. */
function moreCouncils(): NewBody[] {
  return Array.from({ length: 15 }, (_, i) => ({
    code: `X98${String(i + 1).padStart(6, '0')}`, name: `Fictional District ${i + 1} Council`, kind: 'council' as const, council_type: 'district',
    region: 'East Midlands', population: 50_000, county_code: null, combined_authority: null, fictional: true,
  }));
}

async function expectAppError(promise: Promise<unknown>, code: AppError['code'], message?: RegExp) {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'an AppError').toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  if (message) expect((error as AppError).message).toMatch(message);
}

describe.each(testEngines)('annual letters on %s', (engine) => {
  let database: TestDatabase;
  let filesDir: string;
  let deps: ServiceDeps;
  const clock = fixedClock(new Date('2026-07-15T10:00:00Z'));
  const people = {} as Record<'ombudsman' | 'manager' | 'admin' | 'investigator', { id: number; roles: Role[] }>;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    filesDir = await mkdtemp(join(tmpdir(), 'redress-letters-'));
    await syncBankHolidays(database.db, 2015, 2030);
    const holidays = new CalendarHolder(database.db);
    await holidays.refresh();
    deps = { db: database.db, clock, calendar: holidays.get, files: localFileStore(filesDir) };
    const staff = { ombudsman: ['ombudsman'], manager: ['team-manager'], admin: ['admin'], investigator: ['investigator'] } as const;
    for (const [name, roles] of Object.entries(staff)) {
      const id = await createStaffUser(deps, null, { email: `${name}@letters.example`, displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Person`, roles: [...roles], password: 'a long enough test password', team: null });
      people[name as keyof typeof people] = { id, roles: [...roles] };
    }
    await upsertBodies(database.db, [...fictionalDemoBodies(), ...moreCouncils()]);
  }, 60_000);
  afterAll(async () => {
    await database?.dispose();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    clock.set(new Date('2026-07-15T10:00:00Z'));
    await sql`truncate annual_letters, letter_batches, jobs, remedies, case_bodies, case_events, cases, statistics_cache restart identity cascade`.execute(database.db);
    await seedPlanYear2017(database.db);
  });

  const stored = (code: string) =>
    database.db.selectFrom('annual_letters as l').innerJoin('bodies as b', 'b.id', 'l.body_id').selectAll('l').where('b.code', '=', code).where('l.plan_year', '=', 2017).executeTakeFirstOrThrow();

  describe('one letter', () => {
    it('is a PDF with the council’s hand-worked figures, stored with its checksum and a snapshot of the figures', async () => {
      expect(await generateLetter(deps, { code: 'X99000002', planYear: 2017, preparedBy: people.manager.id }, uncompressed)).toBe('generated');
      const row = await stored('X99000002');
      const pdf = await deps.files.get(row.storage_key as string);
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(row.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
      expect(row.size_bytes).toBe(pdf.length);
      expect(row.statement_text).toBe(DEFAULT_STATEMENT);
      const text = pdfText(pdf);
      for (const phrase of [
        'Sampleton District Council', '15 July 2026', 'Annual review letter 2017-18',
        'We received 3 complaints and enquiries about the council and made 3 decisions.',
        'We carried out 3 detailed investigations and upheld 2 of them: an upheld rate of 67%.',
        'In 1 of the 2 complaints we upheld (50%), the council had already offered a satisfactory remedy',
        'a compliance rate of 67%', '67% (2 of 3)',
        '1 apology', '1 financial payment', '1 service improvement', '1 commitment to train staff',
        'Publish the repairs timetable', 'Train repairs staff on the complaints procedure',
        'Ombudsman Person',
      ]) expect(text, phrase).toContain(phrase);
      // A personal remedy's wording stays private.
      expect(text).not.toContain('Mrs Example');
      expect(snapshotOf(row)).toMatchObject({
        statementIsDefault: true, signatoryName: 'Ombudsman Person', letterDate: '2026-07-15', preparedBy: people.manager.id,
        letter: {
          planYear: 2017, council: { code: 'X99000002', name: 'Sampleton District Council', councilType: 'district' },
          figures: { received: 3, decisions: 3, investigations: 3, upheld: 2, upheld_rate: { numerator: 2, denominator: 3 }, remedied_by_body: { numerator: 1, denominator: 2 }, compliance: { numerator: 2, denominator: 3 } },
          // Similar councils: the 2 fictional districts and the 15 added here, Sampleton's cases only among them.
          similar: { councils: 17, investigations: 3, upheld: 2 },
          england: { councils: 21 },
        },
      });
    });

    it('says "no upheld rate" for a council with no investigations', async () => {
      await generateLetter(deps, { code: 'X99000006', planYear: 2017, preparedBy: people.manager.id }, uncompressed);
      const text = pdfText(await deps.files.get((await stored('X99000006')).storage_key as string));
      expect(text).toContain('We did not carry out any detailed investigations of complaints about the council, so there is no upheld rate for the year.');
      expect(text).toContain('No investigations');
      expect(text).not.toMatch(/NaN/);
    });

    it('is left as it is when nothing changed, and regenerated (its review cleared) when the figures change', async () => {
      await generateLetter(deps, { code: 'X99000002', planYear: 2017, preparedBy: people.manager.id }, uncompressed);
      const first = await stored('X99000002');
      await reviewLetter(deps, people.ombudsman, 'X99000002', 2017, first.generated_at?.toISOString() ?? '');
      clock.advance(86_400_000);
      expect(await generateLetter(deps, { code: 'X99000002', planYear: 2017, preparedBy: people.manager.id }, uncompressed)).toBe('unchanged');
      expect(await stored('X99000002')).toEqual({ ...first, reviewed_by: people.ombudsman.id, reviewed_at: expect.any(Date) });

      await addUpheldCase(database.db);
      expect(await generateLetter(deps, { code: 'X99000002', planYear: 2017, preparedBy: people.manager.id }, uncompressed)).toBe('generated');
      const second = await stored('X99000002');
      expect(second.sha256).not.toBe(first.sha256);
      expect(second.reviewed_at).toBeNull();
      expect(snapshotOf(second)?.letter.figures.investigations).toBe(4);
    });

    it('refuses a council that does not exist', async () => {
      await expectAppError(generateLetter(deps, { code: 'X00000000', planYear: 2017, preparedBy: null }), 'not-found');
    });
  });

  describe('a year’s batch', () => {
    it('offers only plan years that have ended, from the first with a case', async () => {
      const years = await letterPlanYears(deps);
      expect(years[0]).toBe(2025);
      expect(years.at(-1)).toBe(2017);
      await expectAppError(requestLetterBatch(deps, people.ombudsman, { planYear: 2026, statement: 'S' }), 'invalid');
      await expectAppError(requestLetterBatch(deps, people.ombudsman, { planYear: 2017, statement: '   ' }), 'invalid', /Enter the statement/);
      await expectAppError(requestLetterBatch(deps, people.ombudsman, { planYear: 2017, statement: 'x'.repeat(3001) }), 'invalid', /3,000 characters or fewer/);
    });

    it('generates every council’s letter in chunks, progress reaching the total, one failing letter not stopping the rest', async () => {
      const failing: LetterOptions = {
        ...uncompressed,
        figuresFor: async (d, code, year) => {
          if (code === 'X99000003') throw new Error('figures unavailable for this council');
          return publishedLetterFigures(d, code, year);
        },
      };
      const { batchId, alreadyRunning } = await requestLetterBatch(deps, people.ombudsman, { planYear: 2017, statement: 'The year’s statement.' });
      expect(alreadyRunning).toBe(false);
      // Asking again while it runs gives the same batch.
      expect(await requestLetterBatch(deps, people.manager, { planYear: 2017, statement: 'Another' })).toEqual({ batchId, alreadyRunning: true });

      const handlers = letterJobHandlers(deps, failing);
      const seen: number[] = [];
      for (;;) {
        const ran = await runDueJobs({ db: database.db, handlers, clock, log: silent, limit: 1 });
        if (ran.done === 0) break;
        const progress = await letterBatchProgress(deps, people.manager, batchId);
        seen.push(progress.done + progress.failed);
      }
      // 21 councils in chunks of 10: three jobs, the count rising as each finishes.
      expect(LETTERS_PER_CHUNK).toBe(10);
      expect(seen).toEqual([10, 20, 21]);
      const progress = await letterBatchProgress(deps, people.manager, batchId);
      expect(progress).toMatchObject({ total: 21, done: 20, failed: 1, finished: true, percent: 100, failedCodes: ['X99000003'] });

      const letters = await listLetters(deps, people.admin, 2017);
      expect(letters).toHaveLength(21);
      expect(letters.filter((l) => l.status === 'generated')).toHaveLength(20);
      expect(letters.find((l) => l.code === 'X99000003')?.status).toBe('not-generated');
      expect((await stored('X99000002')).statement_text).toBe('The year’s statement.');
      expect(snapshotOf(await stored('X99000002'))?.preparedBy).toBe(people.ombudsman.id);
      // Finished: a new batch can start.
      expect((await requestLetterBatch(deps, people.manager, { planYear: 2017, statement: 'Again' })).alreadyRunning).toBe(false);
    });

    it('counts a chunk once when its job runs twice', async () => {
      const { batchId } = await requestLetterBatch(deps, people.ombudsman, { planYear: 2017, statement: 'Statement' });
      const first = await database.db.selectFrom('jobs').selectAll().where('kind', '=', GENERATE_LETTERS).executeTakeFirstOrThrow();
      const payload = { batchId, chunk: 0, afterCode: null, statement: 'Statement', failedCodes: [] };
      await runLetterChunk(deps, first.id, payload, silent, uncompressed);
      await runLetterChunk(deps, first.id, payload, silent, uncompressed);
      expect(await letterBatchProgress(deps, people.ombudsman, batchId)).toMatchObject({ done: 10, failed: 0, finished: false });
      expect(await database.db.selectFrom('jobs').select('id').where('kind', '=', GENERATE_LETTERS).execute()).toHaveLength(2);
    });

    it('leaves published letters and statements written for one letter alone, and gives the rest the new statement', async () => {
      await generateLetter(deps, { code: 'X99000002', planYear: 2017, preparedBy: people.manager.id }, uncompressed);
      const published = await stored('X99000002');
      await reviewLetter(deps, people.ombudsman, 'X99000002', 2017, published.generated_at?.toISOString() ?? '');
      await publishLetter(deps, people.manager, 'X99000002', 2017);
      await generateLetter(deps, { code: 'X99000006', planYear: 2017, preparedBy: people.manager.id }, uncompressed);
      await editLetterStatement(deps, people.ombudsman, 'X99000006', 2017, 'Written for Illustration Vale.', uncompressed);
      await addUpheldCase(database.db);

      await requestLetterBatch(deps, people.ombudsman, { planYear: 2017, statement: 'New statement for the year.' });
      await runDueJobs({ db: database.db, handlers: letterJobHandlers(deps, uncompressed), clock, log: silent });

      const after = await stored('X99000002');
      expect({ sha: after.sha256, figures: after.figures, statement: after.statement_text }).toEqual({ sha: published.sha256, figures: published.figures, statement: published.statement_text });
      expect((await stored('X99000006')).statement_text).toBe('Written for Illustration Vale.');
      expect((await stored('X99000001')).statement_text).toBe('New statement for the year.');
    });
  });

  describe('review and publication', () => {
    async function generated(code = 'X99000002') {
      await generateLetter(deps, { code, planYear: 2017, preparedBy: people.manager.id }, uncompressed);
      return (await stored(code)).generated_at?.toISOString() ?? '';
    }

    it('needs a review by someone other than whoever prepared the letter, of the version they saw', async () => {
      const version = await generated();
      await expectAppError(reviewLetter(deps, people.manager, 'X99000002', 2017, version), 'illegal', /someone else must review it/);
      expect((await letterDetails(deps, people.manager, 'X99000002', 2017)).cannotReviewBecause).toMatch(/someone else must review it/);
      await expectAppError(reviewLetter(deps, people.ombudsman, 'X99000002', 2017, '2020-01-01T00:00:00.000Z'), 'conflict', /generated again since you opened it/);
      await reviewLetter(deps, people.ombudsman, 'X99000002', 2017, version);
      expect((await letterDetails(deps, people.admin, 'X99000002', 2017)).status).toBe('reviewed');
      await expectAppError(reviewLetter(deps, people.admin, 'X99000002', 2017, version), 'illegal', /already been reviewed/);
    });

    it('publishes only after review; a published letter cannot change until unpublished', async () => {
      const version = await generated();
      await expectAppError(publishLetter(deps, people.admin, 'X99000002', 2017), 'illegal', /only be published after someone has reviewed it/);
      await expectAppError(publishedLetter(deps, 'X99000002', 2017), 'not-found');
      await reviewLetter(deps, people.admin, 'X99000002', 2017, version);
      await publishLetter(deps, people.admin, 'X99000002', 2017);
      const file = await publishedLetter(deps, 'X99000002', 2017);
      expect(file.fileName).toBe('annual-review-letter-2017-18-X99000002.pdf');
      expect(createHash('sha256').update(await file.read()).digest('hex')).toBe(file.sha256);

      await expectAppError(editLetterStatement(deps, people.ombudsman, 'X99000002', 2017, 'Changed'), 'illegal', /Unpublish it before changing its statement/);
      await expectAppError(regenerateLetter(deps, people.ombudsman, 'X99000002', 2017), 'illegal', /Unpublish it/);
      await expectAppError(publishLetter(deps, people.admin, 'X99000002', 2017), 'illegal', /already published/);

      await unpublishLetter(deps, people.ombudsman, 'X99000002', 2017);
      await expectAppError(publishedLetter(deps, 'X99000002', 2017), 'not-found');
      await expectAppError(unpublishLetter(deps, people.ombudsman, 'X99000002', 2017), 'illegal', /not published/);
      // Still reviewed: it can go back up as it was.
      await publishLetter(deps, people.manager, 'X99000002', 2017);
    });

    it('an edited statement regenerates the letter, clears the review and makes the editor its preparer', async () => {
      const version = await generated();
      await reviewLetter(deps, people.ombudsman, 'X99000002', 2017, version);
      expect(await editLetterStatement(deps, people.ombudsman, 'X99000002', 2017, 'First paragraph.\n\nSecond paragraph.', uncompressed)).toBe('generated');
      const row = await stored('X99000002');
      expect(row.reviewed_at).toBeNull();
      expect(snapshotOf(row)).toMatchObject({ statementIsDefault: false, preparedBy: people.ombudsman.id });
      expect(pdfText(await deps.files.get(row.storage_key as string))).toContain('First paragraph. Second paragraph.');
      await expectAppError(editLetterStatement(deps, people.ombudsman, 'X99000002', 2017, ''), 'invalid', /Enter the statement/);
      await expectAppError(reviewLetter(deps, people.ombudsman, 'X99000002', 2017, row.generated_at?.toISOString() ?? ''), 'illegal', /someone else/);
    });

    it('lets staff download the draft, and no one without a letters role do anything', async () => {
      await generated();
      const draft = await draftLetterFile(deps, people.manager, 'X99000002', 2017);
      expect(draft.content.subarray(0, 5).toString()).toBe('%PDF-');
      const someone = people.investigator;
      await expectAppError(draftLetterFile(deps, someone, 'X99000002', 2017), 'forbidden');
      await expectAppError(listLetters(deps, someone, 2017), 'forbidden');
      await expectAppError(letterDetails(deps, someone, 'X99000002', 2017), 'forbidden');
      await expectAppError(requestLetterBatch(deps, someone, { planYear: 2017, statement: 'S' }), 'forbidden');
      await expectAppError(reviewLetter(deps, someone, 'X99000002', 2017, ''), 'forbidden');
      await expectAppError(publishLetter(deps, someone, 'X99000002', 2017), 'forbidden');
      await expectAppError(editLetterStatement(deps, someone, 'X99000002', 2017, 'S'), 'forbidden');
      await expectAppError(draftLetterFile(deps, people.manager, 'X99000006', 2017), 'not-found');
    });
  });
});
