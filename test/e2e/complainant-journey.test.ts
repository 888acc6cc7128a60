import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser.ts';
import {
  answerEveryQuestion, answerFor, mistyped, signInCodeInOutbox, smallPdf, someoneElsesComplaint, type OnlineComplainant,
} from './helpers/complainant.ts';
import { e2eStaff } from './helpers/server.ts';
import { errorSummaryShows, eventually, pageChecker, shows, signIn, successBanner } from './helpers/steps.ts';
import { reportChromiumMissing, useServerAndBrowser } from './helpers/suite.ts';

/**
 * Issue journey 1: a member of the public complains online about a fictional council, question by
 * question, then follows the complaint in the portal: signs in with the code we email (read from
 * the outbox by a member of staff), sends a document and a message, and reads the caseworker's
 * reply. Wrong turns on the way: an empty question page, a mistyped code, and someone else's
 * reference typed into the address. Run with JavaScript (the body found with the autocomplete)
 * and without (the plain select); every page works both ways.
 *
 * Between them the two runs visit every question page: with JavaScript the complainant has
 * complained to the council already and complains for themselves; without, they have not yet
 * (the interruption page and "Why are you complaining to us now?") and complain for their mother.
 */
const complainants: Record<'js' | 'no-js', OnlineComplainant> = {
  js: {
    fullName: 'Alex Fictional',
    email: 'alex.fictional@e2e.example',
    body: { listed: 'Borough of Mockford Council (fictional)', typed: 'Mockf' },
    whatHappened: 'I applied for a disabled facilities grant in January. The council has not decided it.',
    injustice: 'I cannot use the bathroom safely, and I have had to pay a carer for extra visits.',
    desiredOutcome: 'A decision on the grant and my extra carer costs paid back.',
    adjustments: 'Please phone only in the afternoons.',
  },
  'no-js': {
    fullName: 'Jo Fictional',
    email: 'jo.fictional@e2e.example',
    body: { listed: 'Borough of Mockford Council (fictional)', typed: 'Mockf' },
    whatHappened: 'My mother asked the council for a care needs assessment in February. Nobody has visited.',
    injustice: 'She has been without help at home and fell twice.',
    desiredOutcome: 'An assessment within two weeks and an apology.',
    notComplainedYet: {
      reason: 'It is urgent: someone is at risk of harm, or will lose out if I wait',
      details: 'She has fallen twice since she asked for help.',
    },
    forSomeoneElse: { name: 'Pat Fictional', relationship: 'Daughter' },
  },
};

/** The council as the portal and staff pages name it (without the list's "(fictional)"). */
const COUNCIL = 'Borough of Mockford Council';
/** 20 working days after Monday 2 March 2026, when the journey starts: no bank holiday in between. */
const HEAR_BY = '30 March 2026';

if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('complainant journey in a real browser', () => {
    const suite = useServerAndBrowser();
    let otherReference = '';
    beforeAll(async () => {
      otherReference = await someoneElsesComplaint(suite.server);
    });

    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js' : 'no-js';
      describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
        const check = pageChecker(`complainant-${mode}`);
        const who = complainants[mode];
        const contexts: BrowserContext[] = [];
        /** The complainant at their computer, and a caseworker at theirs: each keeps their session all through. */
        let complainant: Page;
        let caseworker: Page;
        let reference = '';
        const fileName = `letter-from-the-council-${mode}.pdf`;
        let pdf: Awaited<ReturnType<typeof smallPdf>> | undefined;
        beforeAll(async () => {
          pdf = await smallPdf(fileName);
        });
        afterAll(async () => {
          for (const context of contexts) await context.close().catch(() => undefined);
          await pdf?.remove();
        });
        const newPage = async () => {
          const context = await suite.browser.newContext({ javaScript });
          contexts.push(context);
          return context.newPage();
        };
        const caseHeading = () => complainant.getByRole('heading', { level: 1, name: `Complaint ${reference}` });
        const messages = (page: Page) => page.locator('.moj-message-list');
        /** The acknowledgement of the complaint in the outbox. */
        const acknowledgement = (page: Page) =>
          page.locator('.govuk-summary-card').filter({ hasText: '(case-received)' }).filter({ hasText: `${who.email} (email)` });

        it('complains online, question by question, checks the answers and sends the complaint', async () => {
          complainant = await newPage();
          const page = complainant;
          await page.goto(`${suite.server.url}/complain`);
          await answerEveryQuestion(page, who, check);

          await eventually(() => answerFor(page, 'Who your complaint is about').textContent()).toContain(COUNCIL);
          expect(await answerFor(page, 'What happened').textContent()).toContain(who.whatHappened);
          expect(await answerFor(page, 'Email address').textContent()).toContain(who.email);
          expect(await answerFor(page, 'Complained to the council or care provider first').textContent()).toContain(who.notComplainedYet ? 'No' : 'Yes');
          expect(await answerFor(page, 'Adjustments you need').textContent()).toContain(who.adjustments ?? 'None');
          if (who.forSomeoneElse) expect(await answerFor(page, 'Name of the person you are complaining for').textContent()).toContain(who.forSomeoneElse.name);
          await check(page, 'check-answers');
          await page.getByRole('button', { name: 'Submit complaint' }).click();

          const panel = await shows(page.locator('.govuk-panel'));
          await eventually(() => panel.getByRole('heading', { level: 1 }).textContent()).toContain('Complaint sent');
          reference = /(\d{2} \d{3} \d{3})/.exec((await panel.textContent()) ?? '')?.[1] ?? '';
          expect(reference).toMatch(/^26 \d{3} \d{3}$/);
          expect(await page.getByText('We will contact you by').textContent()).toContain(`We will contact you by ${HEAR_BY}.`);
          expect(await page.getByText('We have sent a confirmation to').textContent()).toContain(who.email);
          await check(page, 'confirmation');
        }, 120_000);

        it('signs in with the emailed code, read from the outbox: a mistyped code first, then the right one', async () => {
          expect(reference, 'the complaint sent online').not.toBe('');
          const page = complainant;
          await page.getByRole('link', { name: 'Sign in to follow the progress of your complaint' }).click();
          await shows(page.getByRole('heading', { level: 1, name: 'Sign in to follow your complaint' }));
          await check(page, 'portal-sign-in');
          await page.getByLabel('Email address').fill(who.email);
          await page.getByRole('button', { name: 'Continue' }).click();
          await shows(page.getByRole('heading', { level: 1, name: 'Check your email' }));
          await check(page, 'check-email');

          // The email goes no further than the outbox here: a member of staff reads it there.
          caseworker = await newPage();
          await signIn(caseworker, suite.server, 'assessor', check);
          await caseworker.getByRole('link', { name: 'Emails and texts sent (outbox)' }).click();
          await shows(caseworker.getByRole('heading', { level: 1, name: 'Outbox' }));
          await check(caseworker, 'staff-outbox');
          // The acknowledgement of the complaint went to them too, naming the case.
          await eventually(() => acknowledgement(caseworker).textContent()).toContain(reference);
          const code = await signInCodeInOutbox(caseworker, who.email);

          await page.getByLabel('Code', { exact: true }).fill(mistyped(code));
          await page.getByRole('button', { name: 'Continue' }).click();
          await errorSummaryShows(page, ['The code is incorrect']);
          await check(page, 'check-email-wrong-code');

          await page.getByLabel('Code', { exact: true }).fill(code);
          await page.getByRole('button', { name: 'Continue' }).click();
          await shows(page.getByRole('heading', { level: 1, name: 'Your complaints' }));
          await eventually(() => page.getByText('Signed in as').textContent()).toContain(who.email);
        }, 120_000);

        it('sees the complaint in "Your complaints" in plain words, opens it, and cannot open someone else\'s', async () => {
          expect(reference, 'the complaint sent online').not.toBe('');
          const page = complainant;
          const card = page.locator('.govuk-summary-card').filter({ has: page.getByRole('link', { name: `Complaint ${reference}` }) });
          await shows(card);
          expect(await page.locator('.govuk-summary-card').count(), 'only their own complaint').toBe(1);
          expect(await card.locator('.govuk-tag').textContent()).toContain('Received');
          expect(await card.textContent()).toContain(COUNCIL);
          if (who.forSomeoneElse) expect(await card.locator('.govuk-summary-list__row').filter({ hasText: 'On behalf of' }).textContent()).toContain(who.forSomeoneElse.name);
          expect(await card.textContent()).toContain(`We aim to tell you our decision on whether to investigate by ${HEAR_BY}`);
          await check(page, 'your-complaints');

          await card.getByRole('link', { name: `Complaint ${reference}` }).click();
          await shows(caseHeading());
          expect(await page.getByText('Status:').locator('.govuk-tag').textContent()).toContain('Received');
          if (who.forSomeoneElse) expect(await page.getByText('You are representing').textContent()).toContain(who.forSomeoneElse.name);
          await check(page, 'complaint');

          // Someone else's reference typed into the address: not found, just as if there were no such case.
          const own = page.url();
          const response = await page.goto(own.replace(reference.replace(/ /g, ''), otherReference.replace(/ /g, '')));
          expect(response?.status()).toBe(404);
          await shows(page.getByRole('heading', { level: 1, name: 'Page not found' }));
          expect(await page.content()).not.toContain('Sam Elsewhere');
          await check(page, 'someone-elses-complaint');
          await page.getByRole('link', { name: 'Go to your complaints' }).click();
          await page.getByRole('link', { name: `Complaint ${reference}` }).click();
          await shows(caseHeading());
        }, 120_000);

        it('sends a PDF and a message', async () => {
          expect(reference, 'the complaint sent online').not.toBe('');
          const page = complainant;
          if (!pdf) throw new Error('no PDF to send');
          await page.getByLabel('Send us a document').setInputFiles(pdf.path);
          await page.getByRole('button', { name: 'Upload file' }).click();
          await successBanner(page, `We have received your file ${fileName}`);
          await shows(page.getByRole('link', { name: fileName }));
          await check(page, 'document-sent');

          await page.getByLabel('Send us a message').fill(`I have sent you the council's letter (${mode}).`);
          await page.getByRole('button', { name: 'Send message' }).click();
          await successBanner(page, 'Your message has been sent');
          await eventually(() => messages(page).textContent()).toContain(`I have sent you the council's letter (${mode}).`);
          await check(page, 'message-sent');
        }, 120_000);

        it('a caseworker reads the message on the case and replies', async () => {
          expect(reference, 'the complaint sent online').not.toBe('');
          const page = caseworker;
          // Still on the outbox, where the acknowledgement links to the case.
          await acknowledgement(page).getByRole('link', { name: reference }).click();
          await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));
          await check(page, 'staff-case');
          await page.getByRole('link', { name: 'Messages with the complainant (1 new)' }).click();
          await shows(page.getByRole('heading', { level: 1, name: 'Messages' }));
          expect(new URL(page.url()).pathname).toBe(`/staff/cases/${reference.replace(/ /g, '')}/messages`);
          await eventually(() => messages(page).textContent()).toContain(`I have sent you the council's letter (${mode}).`);
          expect(await messages(page).textContent()).toContain(who.fullName);
          await check(page, 'staff-messages');

          await page.getByLabel('Reply to the complainant').fill(`Thank you. We will read the letter when we assess your complaint (${mode}).`);
          await page.getByRole('button', { name: 'Send reply' }).click();
          await successBanner(page, 'Message sent');
          await eventually(() => messages(page).textContent()).toContain(`We will read the letter when we assess your complaint (${mode}).`);
          await check(page, 'staff-message-replied');
        }, 120_000);

        it('the complainant sees the reply', async () => {
          expect(reference, 'the complaint sent online').not.toBe('');
          const page = complainant;
          await page.getByRole('link', { name: 'Your complaints' }).first().click();
          const card = page.locator('.govuk-summary-card').filter({ has: page.getByRole('link', { name: `Complaint ${reference}` }) });
          await eventually(() => card.locator('.moj-badge').textContent()).toContain('1 new message');
          // A caseworker has now acted on the complaint: it is being assessed.
          expect(await card.locator('.govuk-tag').textContent()).toContain('Being assessed');
          await check(page, 'your-complaints-new-message');
          await card.getByRole('link', { name: `Complaint ${reference}` }).click();
          await shows(caseHeading());
          const reply = page.locator('.moj-message-item--received');
          await eventually(() => reply.textContent()).toContain(`We will read the letter when we assess your complaint (${mode}).`);
          expect(await reply.textContent()).toContain(e2eStaff.assessor.displayName);
          await check(page, 'complaint-with-reply');
        }, 120_000);
      });
    }
  });
}
