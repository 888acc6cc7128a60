import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, signedInAs, type Browser, type TestApp } from '../helpers/app.ts';
import { addCalendarDays, londonDateTime } from '../../src/domain/london-time.ts';
import { actor, advanceCase, caseUrl, escapeHtml, expectNotFound, registerCase, titleOf, today } from './support.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { decideAssessment } from '../../src/services/assessment.ts';

const caseLinks = (body: string) => [...body.matchAll(/<a class="govuk-link" href="\/staff\/cases\/(\d{8})">(\d\d \d{3} \d{3})<\/a>/g)].map((m) => m[2] as string);
const resultCount = (body: string) => /<caption[^>]*>\s*(\d+) results?\s*<\/caption>/.exec(body)?.[1];

/** Work queues (keyset pages), My cases, search, and the team page's case ages. */
describe('queues, search and the team page', () => {
  let t: TestApp;
  let assessor: Browser;
  let manager: Browser;

  beforeAll(async () => {
    // Monday 2 March 2026, 10am.
    t = await createTestApp('pglite', new Date('2026-03-02T10:00:00Z'));
    assessor = await signedInAs(t.app, 'assessor');
    manager = await signedInAs(t.app, 'manager');
  });
  afterAll(async () => t?.dispose());

  describe('the assessment queue, a page at a time', () => {
    const created: string[] = [];
    beforeAll(async () => {
      // 32 cases received over 13 days in a scrambled order, several on each day, so deadlines tie and ids break the ties.
      for (let i = 0; i < 32; i++) {
        const day = addCalendarDays('2026-01-05', (i * 7) % 13);
        created.push(await registerCase(t, { receivedAt: londonDateTime(day, `${String(8 + (i % 9)).padStart(2, '0')}:15`), fullName: `Queue Person ${i}` }));
      }
    });

    it('walks every page by its next link: each case exactly once, soonest deadline first', async () => {
      const seen: string[] = [];
      const pageSizes: number[] = [];
      let url: string | undefined = '/staff/queues/assessment';
      while (url && pageSizes.length < 10) {
        const page = await assessor.get(url);
        expect(page.statusCode).toBe(200);
        expect(titleOf(page.body)).toBe('Assessment queue - Redress');
        expect(page.body).toContain('32 cases, soonest 20-working-day deadline first.');
        const refs = caseLinks(page.body);
        pageSizes.push(refs.length);
        seen.push(...refs);
        const next = /<a class="govuk-link govuk-pagination__link" href="\?after=([^"]+)" rel="next">/.exec(page.body)?.[1];
        url = next ? `/staff/queues/assessment?after=${next}` : undefined;
      }
      expect(pageSizes).toEqual([25, 7]);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...created].sort());
      const rows = await t.database.db.selectFrom('cases').select(['reference', 'assessment_due_on', 'id']).execute();
      const expected = rows
        .filter((r) => created.includes(r.reference))
        .sort((a, b) => (a.assessment_due_on ?? '').localeCompare(b.assessment_due_on ?? '') || a.id - b.id)
        .map((r) => r.reference);
      expect(seen).toEqual(expected);
    });

    it('shows the first page for a cursor it cannot read', async () => {
      const first = caseLinks((await assessor.get('/staff/queues/assessment')).body);
      for (const after of ['garbage', '', '2026-01-01', '.5', '2026-01-01.x']) {
        const page = await assessor.get(`/staff/queues/assessment?after=${encodeURIComponent(after)}`);
        expect(page.statusCode).toBe(200);
        expect(caseLinks(page.body)).toEqual(first);
      }
      expect((await assessor.get('/staff/queues/assessment?after=a&after=b')).statusCode).toBe(200);
    });

    it('never fails on an impossible cursor', async () => {
      const seen = [];
      for (const after of ['2026-99-99.1', '2026-02-30.1', '0000-01-01.1', '2026-01-01.99999999999']) {
        seen.push({ after, status: (await assessor.get(`/staff/queues/assessment?after=${after}`)).statusCode });
      }
      expect(seen.filter((s) => s.status !== 200 && s.status !== 400)).toEqual([]);
    });

    it.each(['nonsense', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])('an unknown queue (%s) is not found', async (name) => {
      expectNotFound(await assessor.get(`/staff/queues/${name}`));
    });
  });

  describe('allocation and My cases', () => {
    it('a case passed for investigation waits, unallocated, in the allocation queue', async () => {
      const reference = await registerCase(t, { fullName: 'Allocation Waiting' });
      await advanceCase(t, reference, 'awaiting-allocation');
      const page = await manager.get('/staff/queues/allocation');
      expect(titleOf(page.body)).toBe('Awaiting allocation - Redress');
      expect(caseLinks(page.body)).toContain(reference);
      expect(page.body).toContain('Not allocated');
      expect(caseLinks((await assessor.get('/staff/queues/assessment')).body)).not.toContain(reference);
    });

    it('each investigator sees only their own cases', async () => {
      const mine = await registerCase(t, { fullName: 'Ina Case' });
      const theirs = await registerCase(t, { fullName: 'Otto Case' });
      await advanceCase(t, mine, 'investigation', 'investigator');
      await advanceCase(t, theirs, 'investigation', 'otherInvestigator');
      const ina = await signedInAs(t.app, 'investigator');
      const page = await ina.get('/staff/my-cases');
      expect(titleOf(page.body)).toBe('My cases - Redress');
      expect(caseLinks(page.body)).toEqual([mine]);
      const otto = await signedInAs(t.app, 'otherInvestigator');
      expect(caseLinks((await otto.get('/staff/my-cases')).body)).toEqual([theirs]);
      expect(caseLinks((await manager.get('/staff/my-cases')).body)).toEqual([]);
    });
  });

  describe('search', () => {
    let zebedee = '';
    let zoe = '';
    let testburyId = 0;
    beforeAll(async () => {
      const bodies = await t.database.db.selectFrom('bodies').select(['id', 'name']).execute();
      testburyId = bodies.find((b) => b.name.startsWith('Testbury'))?.id as number;
      const exampleshire = bodies.find((b) => b.name.startsWith('Exampleshire'))?.id as number;
      zebedee = await registerCase(t, { fullName: 'Zebedee Quartermaine', bodyIds: [testburyId] });
      zoe = await registerCase(t, { fullName: 'Zoë Quince', representative: 'Yolanda Advocate', bodyIds: [exampleshire] });
    });

    const search = async (q: string) => {
      const page = await assessor.get(`/staff/search?q=${encodeURIComponent(q)}`);
      expect(page.statusCode).toBe(200);
      return page;
    };

    it('finds a case by its reference, typed with or without spaces', async () => {
      for (const q of [zebedee, zebedee.replace(/ /g, ''), ` ${zebedee.slice(0, 6)}${zebedee.slice(7)} `]) {
        const page = await search(q);
        expect(caseLinks(page.body)).toEqual([zebedee]);
        expect(resultCount(page.body)).toBe('1');
      }
    });

    it('finds a case by the start of the complainant’s or representative’s name, whatever the case of the letters', async () => {
      expect(caseLinks((await search('zebedee q')).body)).toEqual([zebedee]);
      expect(caseLinks((await search('ZOË')).body)).toEqual([zoe]);
      expect(caseLinks((await search('Yolanda')).body)).toEqual([zoe]);
    });

    it('finds cases by the body they are about', async () => {
      const links = caseLinks((await search('testbury')).body);
      expect(links).toContain(zebedee);
      expect(links).not.toContain(zoe);
    });

    it('keeps what was typed, and says when nothing matches', async () => {
      const page = await search('Nobody <by> this name');
      expect(page.body).toContain(`value="${escapeHtml('Nobody <by> this name')}"`);
      expect(resultCount(page.body)).toBe('0');
      expect(page.body).toContain('No cases.');
      expect(resultCount((await search('26 999 999')).body)).toBe('0');
    });

    it('shows no results table before anything is searched for', async () => {
      const page = await search('');
      expect(titleOf(page.body)).toBe('Find a case - Redress');
      expect(resultCount(page.body)).toBeUndefined();
      expect((await assessor.get('/staff/search?q=a&q=b')).statusCode).toBe(200);
    });

    it('treats % and _ as ordinary characters, not wildcards', async () => {
      expect(resultCount((await search('%')).body)).toBe('0');
      expect(resultCount((await search('_')).body)).toBe('0');
      expect(resultCount((await search('Zeb%ine')).body)).toBe('0');
    });
  });

  describe('team caseloads and case ages', () => {
    const bands = ['under 13 weeks', '13 to 26 weeks', '26 to 52 weeks', 'over 52 weeks'];
    const bandCounts = (body: string) => bands.map((label) => Number(new RegExp(`>([\\d,]+)<span class="govuk-visually-hidden"> cases ${label}</span>`).exec(body)?.[1]?.replace(/,/g, '') ?? NaN));

    it('is for managers only', async () => {
      const investigator = await signedInAs(t.app, 'investigator');
      expect((await investigator.get('/staff/team')).statusCode).toBe(403);
      expect((await manager.get('/staff/team')).statusCode).toBe(200);
    });

    it('counts open cases by age from the London date of receipt, and lists each band', async () => {
      const original = t.clock.now();
      // Tuesday 1 September 2026, 10am in London (BST).
      t.clock.set(new Date('2026-09-01T09:00:00Z'));
      try {
        const before = bandCounts((await manager.get('/staff/team')).body);
        expect(before.every(Number.isFinite)).toBe(true);
        const received = (daysAgo: number, time = '12:00') => londonDateTime(addCalendarDays(today(t), -daysAgo), time);
        const make = (daysAgo: number, time?: string) => registerCase(t, { receivedAt: received(daysAgo, time), fullName: `Aged ${daysAgo} days` });
        const under13 = [await make(0, '08:00'), await make(90), await make(90, '00:30')]; // 00:30 BST is 23:30 UTC the day before
        const from13 = [await make(91, '23:30'), await make(181)];
        const from26 = [await make(182), await make(363)];
        const over52 = [await make(364), await make(800)];
        const closed = await make(100);
        await decideAssessment(t.services, closed, actor(t, 'assessor'), { decision: 'refer-back-for-local-resolution', explanation: 'Go back to the council' });

        const page = await manager.get('/staff/team');
        expect(titleOf(page.body)).toBe('Team caseloads - Redress');
        const after = bandCounts(page.body);
        expect(after.map((n, i) => n - (before[i] as number))).toEqual([3, 2, 2, 2]);

        const listed = async (key: string) => caseLinks((await manager.get(`/staff/team/age/${key}`)).body);
        const lists = { under13: await listed('under13'), from13to26: await listed('from13to26'), from26to52: await listed('from26to52'), over52: await listed('over52') };
        expect(lists.under13).toEqual(expect.arrayContaining(under13));
        expect(lists.from13to26).toEqual(expect.arrayContaining(from13));
        expect(lists.from26to52).toEqual(expect.arrayContaining(from26));
        expect(lists.over52).toEqual(expect.arrayContaining(over52));
        for (const [band, refs] of Object.entries(lists)) {
          expect(refs, band).not.toContain(closed);
          for (const other of [under13, from13, from26, over52]) {
            if (other.some((r) => refs.includes(r))) expect(other.every((r) => refs.includes(r)), band).toBe(true);
          }
        }
        expect(lists.over52.indexOf(over52[1] as string)).toBeLessThan(lists.over52.indexOf(over52[0] as string));
        const bandPage = await manager.get('/staff/team/age/under13');
        expect(titleOf(bandPage.body)).toBe('Open cases under 13 weeks - Redress');
        expectNotFound(await manager.get('/staff/team/age/under14'));
        expectNotFound(await manager.get('/staff/team/age/constructor'));
      } finally {
        t.clock.set(original);
      }
    });

    it('shows each investigator’s open cases by stage', async () => {
      const reference = await registerCase(t, { fullName: 'Caseload Case' });
      await advanceCase(t, reference, 'awaiting-allocation');
      const count = async () => {
        const body = (await manager.get('/staff/team')).body;
        const row = /<td class="govuk-table__cell">Ina Investigator<\/td>([\s\S]*?)<\/tr>/.exec(body)?.[1] ?? '';
        return [...row.matchAll(/govuk-table__cell--numeric">(\d+)</g)].map((m) => Number(m[1]));
      };
      const before = await count();
      expect(before).toHaveLength(4);
      await allocateCase(t.services, reference, actor(t, 'manager'), t.staffIds.investigator);
      const after = await count();
      expect(after.map((n, i) => n - (before[i] as number))).toEqual([1, 0, 0, 1]);
      expect((await manager.get(caseUrl(reference))).body).toContain('Ina Investigator');
    });
  });
});
