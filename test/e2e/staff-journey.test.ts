import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser.ts';
import { DAY, E2E_START, type E2EStaffName } from './helpers/server.ts';
import { eventually, fillDate, pageChecker, registeredReference, shows, signIn, successBanner } from './helpers/steps.ts';
import { reportChromiumMissing, useServerAndBrowser } from './helpers/suite.ts';

/**
 * Issue journey 2: a phone complaint about a fictional council, from the intake officer's call to
 * the closed case, each step done by the person whose job it is, in a real browser, clicking and
 * typing. Run once with JavaScript and once without: every page works both ways.
 */
if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('staff journey in a real browser', () => {
    const suite = useServerAndBrowser();

    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js' : 'no-js';
      describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
        const check = pageChecker(`staff-${mode}`);
        const complainant = javaScript ? 'Morgan Fictional' : 'Robin Fictional';
        let reference = '';

        /** One person at their own computer: a new browser context, signed in through the sign-in page. */
        async function as(who: E2EStaffName, work: (page: Page) => Promise<void>) {
          if (who !== 'intake') expect(reference, 'the case the intake officer registered').not.toBe('');
          const context = await suite.browser.newContext({ javaScript });
          try {
            const page = await context.newPage();
            await signIn(page, suite.server, who, check);
            await work(page);
          } finally {
            await context.close();
          }
        }

        /** Moves the system's clock to 09:00 UTC, `days` after the journey starts. */
        const dayOfJourney = (days: number) => suite.server.clock.set(new Date(E2E_START.getTime() + days * DAY));

        it('an intake officer registers a phone complaint about a council', async () => {
          dayOfJourney(0); // Monday 2 March 2026
          await as('intake', async (page) => {
            await page.getByRole('link', { name: 'Register a new contact' }).click();
            await shows(page.getByRole('heading', { name: 'Register a new contact' }));
            await check(page, 'new-contact');
            // The date it arrived is filled in with today.
            expect(await page.getByRole('group', { name: 'When did it arrive?' }).getByLabel('Day').inputValue()).toBe('2');
            await page.getByLabel('Phone call').check();
            await page.getByLabel('Time it arrived (optional)').fill('8:40am');
            await page.getByLabel('Full name', { exact: true }).fill(complainant);
            await page.getByLabel('Phone number (optional)').fill('01632 960 001');
            await page.getByLabel('Who is the complaint about?').selectOption({ label: 'Borough of Mockford Council (fictional)' });
            await page.getByLabel('Summary of the contact').fill('Called to say the council has not replied to a homelessness application made in January.');
            await page.getByLabel('Registered as a complaint').check();
            await page.getByLabel('Category', { exact: true }).selectOption('Housing > Homelessness');
            await page.getByLabel('Local government').check();
            await page.getByRole('button', { name: 'Register contact' }).click();

            reference = await registeredReference(page);
            expect(reference).toMatch(/^26 \d{3} \d{3}$/);
            await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));
            await eventually(() => page.locator('.govuk-summary-list').textContent()).toContain(complainant);
            expect(await page.locator('.govuk-summary-list').textContent()).toContain('by phone call');
            await check(page, 'case-registered');
          });
        }, 120_000);

        it('an assessor finds it in the assessment queue and passes it for investigation', async () => {
          dayOfJourney(1);
          await as('assessor', async (page) => {
            await page.getByRole('link', { name: 'Assessment queue' }).click();
            await shows(page.getByRole('heading', { level: 1, name: 'Assessment' }));
            await check(page, 'assessment-queue');
            await page.getByRole('link', { name: reference }).click();
            await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));
            await check(page, 'case-in-assessment');
            await page.getByRole('link', { name: 'Record assessment decision' }).click();
            await shows(page.getByRole('heading', { name: 'Record the assessment decision' }));
            await check(page, 'assessment-form');
            await page.getByLabel('Pass for investigation').check();
            await page.getByLabel('Explanation for the complainant').fill('The council appears not to have decided the application.');
            await page.getByRole('button', { name: 'Record decision' }).click();
            await successBanner(page, 'Case passed for investigation');
            await check(page, 'case-passed');
          });
        }, 120_000);

        it('a team manager allocates it to an investigator', async () => {
          dayOfJourney(2);
          await as('manager', async (page) => {
            await page.getByRole('link', { name: 'Cases awaiting allocation' }).click();
            await shows(page.getByRole('heading', { level: 1, name: 'Awaiting allocation' }));
            await check(page, 'allocation-queue');
            await page.getByRole('link', { name: reference }).click();
            await page.getByRole('link', { name: 'Allocate', exact: true }).click();
            await shows(page.getByRole('heading', { name: 'Allocate to an investigator' }));
            await check(page, 'allocate-form');
            await page.getByLabel('Investigator', { exact: true }).selectOption({ label: 'Ina Investigator (Investigation)' });
            await page.getByRole('button', { name: 'Allocate case' }).click();
            await successBanner(page, 'Case allocated');
            expect(await page.locator('.govuk-summary-list').textContent()).toContain('Ina Investigator');
            await check(page, 'case-allocated');
          });
        }, 120_000);

        it('the investigator adds a note, shares a draft, issues the final decision with a payment, and records compliance', async () => {
          dayOfJourney(3); // Thursday 5 March
          await as('investigator', async (page) => {
            await page.getByRole('link', { name: 'My cases' }).first().click();
            await shows(page.getByRole('heading', { level: 1, name: 'My cases' }));
            await check(page, 'my-cases');
            await page.getByRole('link', { name: reference }).click();
            await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));

            await page.getByRole('link', { name: 'Add a note' }).click();
            await shows(page.getByRole('heading', { name: 'Add a note' }));
            await check(page, 'note-form');
            await page.getByLabel('Note', { exact: true }).fill('Spoke to the council’s housing options team: a decision is overdue.');
            await page.getByRole('button', { name: 'Add note' }).click();
            await successBanner(page, 'Note added');
            await check(page, 'case-note-added');

            dayOfJourney(7); // Monday 9 March
            await page.getByRole('link', { name: 'Share draft decision' }).click();
            await shows(page.getByRole('heading', { name: 'Share a draft decision' }));
            await check(page, 'draft-decision-form');
            await page.getByLabel('Upheld: fault and injustice').check();
            await page.getByLabel('Draft decision statement').fill('The council took too long to decide the homelessness application.');
            await fillDate(page, 'Comments due by', { day: 23, month: 3, year: 2026 });
            await page.getByRole('button', { name: 'Share draft decision' }).click();
            await successBanner(page, 'Draft decision shared');
            await check(page, 'case-draft-shared');

            dayOfJourney(23); // Wednesday 25 March
            await page.getByRole('link', { name: 'Issue final decision' }).click();
            await shows(page.getByRole('heading', { name: 'Issue the final decision' }));
            await check(page, 'final-decision-form');
            await page.getByLabel('Upheld: fault and injustice').check();
            await page.getByLabel('Final decision statement').fill('The council was at fault for the delay, which caused the complainant distress.');
            const remedy = page.getByRole('group', { name: 'Remedy 1', exact: true });
            await remedy.getByLabel('Type of remedy').selectOption({ label: 'Financial payment' });
            await remedy.getByLabel('What the body should do').fill('Pay £250 to acknowledge the distress caused.');
            await remedy.getByLabel('Amount, if a payment').fill('250');
            await fillDate(remedy, 'Due by', { day: 22, month: 4, year: 2026 });
            await page.getByRole('button', { name: 'Issue final decision' }).click();
            await successBanner(page, 'Final decision issued');
            const remedies = page.getByRole('table', { name: 'Remedies recommended' });
            await eventually(() => remedies.textContent()).toContain('£250.00');
            expect(await remedies.textContent()).toContain('Awaiting compliance');
            await check(page, 'case-final-decision');

            dayOfJourney(42); // Monday 13 April
            await page.getByRole('link', { name: 'Record compliance with financial payment' }).click();
            await shows(page.getByRole('heading', { name: 'Record compliance with a remedy' }));
            await check(page, 'compliance-form');
            await page.getByLabel('Yes', { exact: true }).check();
            await fillDate(page, 'When was this settled?', { day: 10, month: 4, year: 2026 });
            await page.getByLabel('Evidence').fill('The council sent a copy of the payment confirmation.');
            await page.getByRole('button', { name: 'Record compliance' }).click();
            await successBanner(page, 'Compliance recorded: complied on time');

            // The case is closed and its timeline tells the whole story, newest first.
            const heading = page.getByRole('heading', { level: 1 });
            await eventually(() => heading.textContent()).toContain('Closed');
            expect(await page.getByRole('table', { name: 'Remedies recommended' }).textContent()).toContain('Complied on time');
            const timeline = (await page.locator('.moj-timeline__title').allTextContents()).map((t) => t.trim());
            expect(timeline).toEqual([
              'Case closed',
              'Remedy compliance recorded',
              'Final decision issued',
              'Draft decision shared with the parties',
              'Note',
              'Allocated to an investigator',
              'Passed for investigation',
              'Complaint registered',
            ]);
            const dates = (await page.locator('.moj-timeline__date time').evaluateAll((times) => times.map((t) => t.getAttribute('datetime') ?? '')));
            expect(dates).toEqual([...dates].sort().reverse());
            expect(dates.at(-1)).toBe('2026-03-02T09:00:00.000Z');
            expect(dates[0]).toBe('2026-04-13T09:00:00.000Z');
            await check(page, 'case-closed');
          });
        }, 180_000);
      });
    }
  });
}
