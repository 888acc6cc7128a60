import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import type { TestApp } from '../helpers/app.ts';
import { formatLondonDate } from '../../src/domain/london-time.ts';
import { nextStepsFor, portalStatusOf, progressSteps } from '../../src/services/portal/complaints.ts';
import { addNote } from '../../src/services/investigation.ts';
import { actor, advance, complaintUrl, createPortalTestApp, isPortalNotFound, PortalClient, registerPortalCase, titleOf } from './helpers.ts';

describe.each(testEngines)('complainant portal: your complaints (%s)', (engine) => {
  let t: TestApp;
  let pat: PortalClient;
  const refs = {} as Record<'own' | 'assessing' | 'represented' | 'others' | 'investigation' | 'draft' | 'compliance' | 'decided' | 'closed', string>;

  beforeAll(async () => {
    t = await createPortalTestApp(engine);
    refs.own = await registerPortalCase(t, { email: 'PAT@example.com', fullName: 'Pat Person', summary: 'The council lost my housing application.' });
    refs.assessing = await registerPortalCase(t, { email: 'pat@example.com', fullName: 'Pat Person' });
    await addNote(t.services, refs.assessing, actor(t, 'assessor'), { text: 'Asked the council for its file.' });
    refs.represented = await registerPortalCase(t, { email: 'gran@example.com', fullName: 'Gran Person', representative: { fullName: 'Pat Person', email: 'pat@EXAMPLE.com' } });
    refs.others = await registerPortalCase(t, { email: 'someone.else@example.com', fullName: 'Someone Else', summary: 'A private matter about someone else.' });
    for (const [key, to] of [['investigation', 'investigation'], ['draft', 'draft-decision'], ['compliance', 'compliance'], ['decided', 'closed-after-decision'], ['closed', 'closed-at-assessment']] as const) {
      refs[key] = await registerPortalCase(t, { email: 'pat@example.com', fullName: 'Pat Person' });
      await advance(t, refs[key], to);
    }
    pat = await new PortalClient(t.app).signIn(t, 'pat@example.com');
  });
  afterAll(async () => t?.dispose());

  it('lists only the complaints made by, or represented by, the signed-in address', async () => {
    const page = await pat.get('/complaints');
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe('Your complaints - Complain to the Ombudsman');
    const listed = [...page.body.matchAll(/<h2 class="govuk-summary-card__title"><a class="govuk-link" href="\/complaints\/(\d+)">/g)].map((m) => m[1]);
    const expected = [refs.own, refs.assessing, refs.represented, refs.investigation, refs.draft, refs.compliance, refs.decided, refs.closed].map((r) => r.replace(/\s/g, ''));
    expect([...listed].sort()).toEqual([...expected].sort());
    expect(page.body).not.toContain(refs.others);
    expect(page.body).not.toContain('Someone Else');
    expect(page.body).toContain('On behalf of</dt>');
    expect(page.body).toContain('Gran Person');
  });

  it('shows each complaint’s status in plain words, with what happens next and the expected date', async () => {
    const page = await pat.get('/complaints');
    const card = (reference: string) => {
      const start = page.body.indexOf(`id="complaint-${reference.replace(/\s/g, '')}"`);
      return page.body.slice(start, page.body.indexOf('</dl>', start));
    };
    const own = await t.database.db.selectFrom('cases').select('assessment_due_on').where('reference', '=', refs.own).executeTakeFirstOrThrow();
    expect(card(refs.own)).toMatch(/govuk-tag--blue">\s*Received\s*</);
    expect(card(refs.own)).toContain('We have received your complaint.');
    expect(card(refs.own)).toContain(`We aim to tell you our decision on whether to investigate by ${formatLondonDate(own.assessment_due_on as string)}`);
    expect(card(refs.assessing)).toMatch(/govuk-tag--blue">\s*Being assessed\s*</);
    expect(card(refs.assessing)).toContain('We are deciding whether we can investigate your complaint.');
    expect(card(refs.assessing)).not.toContain('Asked the council for its file.');
    expect(card(refs.investigation)).toContain('Being investigated');
    expect(card(refs.draft)).toContain('Draft decision');
    expect(card(refs.draft)).toContain('Send us your comments on the draft decision by');
    expect(card(refs.compliance)).toContain('Checking the remedy');
    expect(card(refs.decided)).toContain('Decision made');
    expect(card(refs.closed)).toMatch(/govuk-tag--grey">\s*Closed\s*</);
    expect(page.body).not.toMatch(/Awaiting allocation|Draft decision shared|Checking remedies/);
  });

  it('shows a case page with progress, what happens next, messages and the forms', async () => {
    const page = await pat.get(`/complaints/${refs.own.replace(/\s/g, '')}`);
    expect(page.statusCode).toBe(200);
    expect(titleOf(page.body)).toBe(`Complaint ${refs.own} - Complain to the Ombudsman`);
    expect(page.body).toContain('What happens next');
    expect(page.body).toContain('The council lost my housing application.');
    expect(page.body).toContain('govuk-task-list');
    expect(page.body).toMatch(/Received[\s\S]*Being assessed[\s\S]*Being investigated[\s\S]*Draft decision[\s\S]*Decision made[\s\S]*Closed/);
    expect(page.body).toContain('No messages yet.');
    expect(page.body).toContain(`action="${complaintUrl(refs.own, 'messages')}"`);
    expect(page.body).toMatch(new RegExp(`action="${complaintUrl(refs.own, 'documents')}\\?_csrf=[^"]+" enctype="multipart/form-data"`));
    // The reference works however it is typed.
    expect((await pat.get(`/complaints/${encodeURIComponent(refs.own)}`)).statusCode).toBe(200);
  });

  it('shows the draft decision and the date for comments while the draft is out', async () => {
    const page = await pat.get(complaintUrl(refs.draft));
    expect(page.body).toContain('Our draft decision');
    expect(page.body).toContain('Draft: the council was at fault in the way it handled the application.');
    expect(page.body).toContain('This is not our final decision. Send us your comments by');
    expect(page.body).not.toContain(complaintUrl(refs.draft, 'decision'));
    expect(isPortalNotFound(await pat.get(complaintUrl(refs.draft, 'decision')))).toBe(true);
  });

  it('shows the outcome, the decision statement and what the body must do once decided', async () => {
    const page = await pat.get(complaintUrl(refs.compliance));
    expect(page.body).toContain('Our decision');
    expect(page.body).toContain('Upheld: fault and injustice');
    expect(page.body).toContain('Final: the council was at fault and should apologise.');
    expect(page.body).not.toContain('Draft: the council was at fault');
    expect(page.body).toContain('Apologise in writing');
    expect(page.body).toContain('They should have done what we asked by');
    expect(page.body).toContain(`href="${complaintUrl(refs.compliance, 'decision')}">Our final decision</a>`);
    const decision = await pat.get(complaintUrl(refs.compliance, 'decision'));
    expect(decision.statusCode).toBe(200);
    expect(decision.body).toContain('Final: the council was at fault and should apologise.');

    const decided = await pat.get(complaintUrl(refs.decided));
    expect(decided.body).toContain('Not upheld: no fault');
    expect(decided.body).toContain('Our decision is final.');
  });

  it('explains a complaint closed at assessment', async () => {
    const page = await pat.get(complaintUrl(refs.closed));
    expect(page.body).toContain('Why we closed your complaint');
    expect(page.body).toContain('Referred back for local resolution');
    expect(page.body).toContain('Please complain to the council first; they have not had the chance to put things right.');
    expect(page.body).not.toContain('Being investigated');
  });

  it('shows someone else’s complaint as "Page not found", the same as one that does not exist', async () => {
    for (const url of [complaintUrl(refs.others), complaintUrl(refs.others, 'decision'), complaintUrl('99 999 999'), '/complaints/not-a-reference', complaintUrl(refs.others, 'documents/1')]) {
      const response = await pat.get(url);
      expect(isPortalNotFound(response), url).toBe(true);
      expect(response.body).not.toContain('Someone Else');
    }
    expect(isPortalNotFound(await pat.get('/complaints/100%25'))).toBe(true);
    expect((await pat.get('/complaints/%E0%A4%A')).statusCode).toBeLessThan(500);
    const message = await pat.post(complaintUrl(refs.others, 'messages'), { message: 'Hello' });
    expect(isPortalNotFound(message)).toBe(true);
    expect(await t.database.db.selectFrom('messages').selectAll().execute()).toEqual([]);
  });
});

describe('complainant portal: stages in plain words', () => {
  const dates = { received_at: new Date('2026-03-02T10:00:00Z'), assessment_decided_at: null, draft_shared_at: null, decided_at: null, closed_at: null };

  it('maps every internal stage', () => {
    expect(portalStatusOf({ stage: 'assessment', hasFinalDecision: false, assessmentStarted: false })).toBe('received');
    expect(portalStatusOf({ stage: 'assessment', hasFinalDecision: false })).toBe('being-assessed');
    expect(portalStatusOf({ stage: 'awaiting-allocation', hasFinalDecision: false })).toBe('being-investigated');
    expect(portalStatusOf({ stage: 'investigation', hasFinalDecision: false })).toBe('being-investigated');
    expect(portalStatusOf({ stage: 'draft-decision', hasFinalDecision: false })).toBe('draft-decision');
    expect(portalStatusOf({ stage: 'compliance', hasFinalDecision: true })).toBe('checking-remedy');
    expect(portalStatusOf({ stage: 'closed', hasFinalDecision: true })).toBe('decision-made');
    expect(portalStatusOf({ stage: 'closed', hasFinalDecision: false })).toBe('closed');
  });

  it('marks steps done, current and still to come', () => {
    const steps = progressSteps({ ...dates, stage: 'investigation', assessment_decided_at: new Date('2026-03-10T10:00:00Z') }, { hasFinalDecision: false, hasRemedies: false });
    expect(steps.map((s) => [s.label, s.state])).toEqual([
      ['Received', 'done'], ['Being assessed', 'done'], ['Being investigated', 'current'], ['Draft decision', 'upcoming'], ['Decision made', 'upcoming'], ['Closed', 'upcoming'],
    ]);
    const closedEarly = progressSteps({ ...dates, stage: 'closed', closed_at: new Date('2026-03-05T10:00:00Z') }, { hasFinalDecision: false, hasRemedies: false });
    expect(closedEarly.map((s) => [s.label, s.state])).toEqual([['Received', 'done'], ['Being assessed', 'done'], ['Closed', 'done']]);
    const remedying = progressSteps({ ...dates, stage: 'compliance' }, { hasFinalDecision: true, hasRemedies: true });
    expect(remedying.find((s) => s.state === 'current')?.label).toBe('Checking the remedy');
  });

  it('says the date will change while the clock is stopped', () => {
    const next = nextStepsFor('being-assessed', { stage: 'assessment', assessment_due_on: '2026-03-30', clock_stopped_at: new Date() }, { bodies: [] });
    expect(next.expected).toBeUndefined();
    expect(next.text.join(' ')).toContain('We will tell you the new date');
  });
});
