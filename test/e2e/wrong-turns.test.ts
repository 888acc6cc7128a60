import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser.ts';
import { E2E_PASSWORD, e2eStaff } from './helpers/server.ts';
import {
  errorSummaryShows, eventually, fillDate, pageChecker, registeredReference, shows, signIn, successBanner,
} from './helpers/steps.ts';
import { reportChromiumMissing, useServerAndBrowser } from './helpers/suite.ts';

/**
 * Issue journey 4: the wrong turns people take. Empty and invalid forms, a wrong password, an
 * investigator trying to allocate, and the browser's back button after an error; with and
 * without JavaScript. Each error page must say what is wrong, link to each field, and keep what
 * was typed.
 */
if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('wrong turns in a real browser', () => {
    const suite = useServerAndBrowser();

    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js' : 'no-js';
      describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
        const check = pageChecker(`wrong-${mode}`);
        const contexts: BrowserContext[] = [];
        let intake: Page;
        let reference = '';
        afterAll(async () => {
          for (const context of contexts) await context.close().catch(() => undefined);
        });
        const newPage = async () => {
          const context = await suite.browser.newContext({ javaScript });
          contexts.push(context);
          return context.newPage();
        };

        it('signing in with nothing, then a wrong password, then the right one', async () => {
          intake = await newPage();
          const page = intake;
          await page.goto(`${suite.server.url}/staff`);
          await shows(page.getByRole('heading', { name: 'Sign in to Redress casework' }));
          await check(page, 'sign-in');

          await page.getByRole('button', { name: 'Sign in' }).click();
          await errorSummaryShows(page, ['Enter your email address', 'Enter your password']);
          await check(page, 'sign-in-empty');

          await page.getByLabel('Email address').fill(e2eStaff.intake.email);
          await page.getByLabel('Password').fill('not the password');
          await page.getByRole('button', { name: 'Sign in' }).click();
          await errorSummaryShows(page, ['Enter a correct email address and password']);
          expect(await page.getByLabel('Email address').inputValue()).toBe(e2eStaff.intake.email);
          expect(await page.getByLabel('Password').inputValue()).toBe('');
          await check(page, 'sign-in-wrong-password');

          await page.getByLabel('Password').fill(E2E_PASSWORD);
          await page.getByRole('button', { name: 'Sign in' }).click();
          await shows(page.getByRole('heading', { name: 'Casework', exact: true }));
        }, 120_000);

        it('an empty contact form, then the back button, then the form filled in properly', async () => {
          const page = intake;
          await page.getByRole('link', { name: 'Register a new contact' }).click();
          await shows(page.getByRole('heading', { name: 'Register a new contact' }));
          await check(page, 'new-contact');

          await page.getByRole('button', { name: 'Register contact' }).click();
          await errorSummaryShows(page, [
            'Select how the contact arrived',
            'Enter the complainant’s full name',
            'Select the council or care provider the complaint is about',
            'Enter a summary of the contact',
            'Select what happened to the contact',
          ]);
          await check(page, 'new-contact-empty');

          // Back to the blank form with the browser's button, and this time fill it in.
          await page.goBack();
          await shows(page.getByRole('heading', { name: 'Register a new contact' }));
          expect(await page.locator('.govuk-error-summary').count()).toBe(0);
          await check(page, 'new-contact-after-back');
          await page.getByLabel('Letter').check();
          await page.getByLabel('Full name', { exact: true }).fill('Sam Placeholder');
          await page.getByLabel('Address (optional)', { exact: true }).fill('1 Example Street\nSampleton');
          await page.getByLabel('Who is the complaint about?').selectOption({ label: 'Sampleton District Council (fictional)' });
          await page.getByLabel('Summary of the contact').fill('Letter about missed bin collections.');
          await page.getByLabel('Registered as a complaint').check();
          await page.getByLabel('Category', { exact: true }).selectOption('Environmental services and public protection > Refuse and recycling');
          await page.getByLabel('Local government').check();
          await page.getByRole('button', { name: 'Register contact' }).click();
          reference = await registeredReference(page);
          await check(page, 'case-registered');
        }, 120_000);

        it('invalid answers: each is explained, linked to its field, and what was typed is kept', async () => {
          const page = intake;
          await page.getByRole('link', { name: 'New contact' }).click();
          await shows(page.getByRole('heading', { name: 'Register a new contact' }));
          await page.getByLabel('Email', { exact: true }).check();
          await fillDate(page, 'When did it arrive?', { day: 31, month: 2, year: 2026 });
          await page.getByLabel('Time it arrived (optional)').fill('2:15pm');
          await page.getByLabel('Full name', { exact: true }).fill('Kit Example');
          await page.getByLabel('Email address (optional)', { exact: true }).fill('kit at example');
          await page.getByLabel('Who is the complaint about?').selectOption({ label: 'Exampleshire County Council (fictional)' });
          await page.getByLabel('Summary of the contact').fill('Email about a school transport decision.');
          await page.getByLabel('Registered as a complaint').check();
          await page.getByRole('button', { name: 'Register contact' }).click();

          // Every mistake at once, in the order of the form.
          await errorSummaryShows(page, [
            'The date the contact arrived must be a real date',
            'Enter an email address in the correct format, like name@example.com',
            'Select the category of the complaint',
            'Select the jurisdiction',
          ]);
          await check(page, 'new-contact-invalid');
          const arrived = page.getByRole('group', { name: 'When did it arrive?' });
          expect(await arrived.getByLabel('Day').inputValue()).toBe('31');
          expect(await arrived.getByLabel('Month').inputValue()).toBe('2');
          expect(await page.getByLabel('Time it arrived (optional)').inputValue()).toBe('2:15pm');
          expect(await page.getByLabel('Full name', { exact: true }).inputValue()).toBe('Kit Example');
          expect(await page.getByLabel('Email address (optional)', { exact: true }).inputValue()).toBe('kit at example');
          expect(await page.getByLabel('Who is the complaint about?').inputValue()).toBe(String(suite.server.bodies.find((b) => b.name === 'Exampleshire County Council')?.id));
          expect(await page.getByLabel('Summary of the contact').inputValue()).toBe('Email about a school transport decision.');
          expect(await page.getByLabel('Email', { exact: true }).isChecked()).toBe(true);
          expect(await page.getByLabel('Registered as a complaint').isChecked()).toBe(true);

          // Corrected, but with a slip in the time this once.
          await arrived.getByLabel('Day').fill('27');
          await page.getByLabel('Time it arrived (optional)').fill('25:99');
          await page.getByLabel('Email address (optional)', { exact: true }).fill('kit@example.com');
          await page.getByLabel('Category', { exact: true }).selectOption('Education and children’s services > School transport');
          await page.getByLabel('Local government').check();
          await page.getByRole('button', { name: 'Register contact' }).click();
          await errorSummaryShows(page, ['Enter a real time, like 9:30am or 14:15']);
          expect(await page.getByLabel('Time it arrived (optional)').inputValue()).toBe('25:99');
          expect(await arrived.getByLabel('Day').inputValue()).toBe('27');
          expect(await page.getByLabel('Category', { exact: true }).inputValue()).toBe('Education and children’s services > School transport');
          expect(await page.getByLabel('Local government').isChecked()).toBe(true);
          await check(page, 'new-contact-bad-time');

          await page.getByLabel('Time it arrived (optional)').fill('2:15pm');
          await page.getByRole('button', { name: 'Register contact' }).click();
          await registeredReference(page);
          await eventually(() => page.locator('.govuk-summary-list').textContent()).toContain('27 February 2026, 2:15pm by email');
        }, 120_000);

        it('an investigator leaves an empty note, then tries to allocate a case and is refused', async () => {
          expect(reference, 'the case registered after going back').not.toBe('');
          const page = await newPage();
          await signIn(page, suite.server, 'investigator', check);
          await page.getByRole('link', { name: 'Find a case' }).click();
          await page.getByLabel('Reference, complainant’s name or body').fill(reference);
          await page.getByRole('button', { name: 'Search' }).click();
          await shows(page.getByRole('table', { name: '1 result' }));
          await check(page, 'search-results');
          await page.getByRole('link', { name: reference }).click();
          await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));
          await check(page, 'case');
          // Investigators are not offered allocation.
          expect(await page.getByRole('link', { name: /^(Allocate|Reallocate)$/ }).count()).toBe(0);

          await page.getByRole('link', { name: 'Add a note' }).click();
          await shows(page.getByRole('heading', { name: 'Add a note' }));
          await page.getByRole('button', { name: 'Add note' }).click();
          await errorSummaryShows(page, ['Enter the note']);
          await check(page, 'note-empty');
          await page.getByLabel('Note', { exact: true }).fill('Checked the council’s collection calendar.');
          await page.getByRole('button', { name: 'Add note' }).click();
          await successBanner(page, 'Note added');

          // The investigator types the allocation page's address and tries to allocate the case to themselves.
          const allocate = await page.goto(`${page.url().split('?')[0]}/allocate`);
          if (allocate?.status() === 200) {
            await shows(page.getByRole('heading', { name: 'Allocate to an investigator' }));
            await check(page, 'allocate-form');
            await page.getByLabel('Investigator', { exact: true }).selectOption({ label: 'Ina Investigator (Investigation)' });
            const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/allocate'));
            await page.getByRole('button', { name: 'Allocate case' }).click();
            expect((await refused).status()).toBe(403);
          } else {
            expect(allocate?.status()).toBe(403);
          }
          await shows(page.getByRole('heading', { name: 'You do not have permission to do this' }));
          expect(await page.title()).toBe('You do not have permission - Redress');
          await check(page, 'forbidden');
          await page.getByRole('link', { name: 'Go to the casework home page' }).click();
          await shows(page.getByRole('heading', { name: 'Casework', exact: true }));
        }, 120_000);
      });
    }
  });
}
