import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser.ts';
import { E2E_PASSWORD, e2eStaff } from './helpers/server.ts';
import { eventually, pageChecker, registeredReference, shows } from './helpers/steps.ts';
import { reportChromiumMissing, useServerAndBrowser } from './helpers/suite.ts';

/**
 * Keyboard only: an intake officer signs in and registers a complaint with Tab, Space, Enter, the
 * arrow keys and typing; no mouse. Every stop on the way must be visible when it has focus, and
 * each field must be reached moving forwards through the page.
 */
if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('keyboard only, in a real browser', () => {
    const suite = useServerAndBrowser();

    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js' : 'no-js';
      it(`registers a complaint with the keyboard alone, ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
        const check = pageChecker(`keyboard-${mode}`);
        const context = await suite.browser.newContext({ javaScript });
        try {
          const page = await context.newPage();
          await page.goto(`${suite.server.url}/staff`);
          await shows(page.getByRole('heading', { name: 'Sign in to Redress casework' }));
          await check(page, 'sign-in');
          await tabTo(page, page.getByLabel('Email address'));
          await page.keyboard.type(e2eStaff.intake.email);
          await tabTo(page, page.getByLabel('Password'));
          await page.keyboard.type(E2E_PASSWORD);
          await page.keyboard.press('Enter');
          await shows(page.getByRole('heading', { name: 'Casework', exact: true }));
          await check(page, 'home');

          await tabTo(page, page.getByRole('link', { name: 'Register a new contact' }));
          await page.keyboard.press('Enter');
          await shows(page.getByRole('heading', { name: 'Register a new contact' }));
          await check(page, 'new-contact');

          await tabTo(page, page.getByLabel('Phone call'));
          await page.keyboard.press('Space');
          expect(await page.getByLabel('Phone call').isChecked()).toBe(true);
          // The date it arrived is already today's: Tab goes past it.
          await tabTo(page, page.getByLabel('Full name', { exact: true }));
          await page.keyboard.type('Alex Keyboard');
          await tabTo(page, page.getByLabel('Phone number (optional)'));
          await page.keyboard.type('01632 960 002');
          await tabTo(page, page.getByLabel('Who is the complaint about?'));
          await chooseWithArrows(page, page.getByLabel('Who is the complaint about?'), 'Testbury Metropolitan Borough Council (fictional)');
          await tabTo(page, page.getByLabel('Summary of the contact'));
          await page.keyboard.type('Rang about a planning enforcement complaint the council closed without a reply.');

          await tabTo(page, page.getByLabel('Advice given'));
          const registered = page.getByLabel('Registered as a complaint');
          for (let i = 0; i < 4 && !(await registered.isChecked()); i++) await page.keyboard.press('ArrowDown');
          expect(await registered.isChecked()).toBe(true);
          expect(await isFocused(registered)).toBe(true);
          await tabTo(page, page.getByLabel('Category', { exact: true }));
          await chooseWithArrows(page, page.getByLabel('Category', { exact: true }), 'Planning and development > Enforcement');
          await tabTo(page, page.getByLabel('Local government'));
          await page.keyboard.press('Space');
          expect(await page.getByLabel('Local government').isChecked()).toBe(true);

          await tabTo(page, page.getByRole('button', { name: 'Register contact' }));
          await page.keyboard.press('Enter');
          const reference = await registeredReference(page);
          await eventually(() => page.locator('.govuk-summary-list').textContent()).toContain('Alex Keyboard');
          expect(await page.locator('.govuk-summary-list').textContent()).toContain('Testbury Metropolitan Borough Council');
          expect(reference).toMatch(/^26 \d{3} \d{3}$/);
          await check(page, 'case-registered');
        } finally {
          await context.close();
        }
      }, 120_000);
    }
  });
}

async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === document.activeElement);
}

/**
 * Presses Tab until `target` has focus, failing if focus lands on something invisible or goes
 * round past the end of the page first (the target was behind us, or unreachable).
 */
async function tabTo(page: Page, target: Locator, maxPresses = 60): Promise<void> {
  for (let presses = 0; presses <= maxPresses; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
    const focus = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return { wrapped: true, visible: true, what: 'the page itself' };
      const box = el.getBoundingClientRect();
      return { wrapped: false, visible: box.width > 0 && box.height > 0, what: el.outerHTML.slice(0, 120) };
    });
    if (focus.wrapped) throw new Error(`Tab went past the end of the page before reaching ${target}`);
    if (!focus.visible) throw new Error(`Tab focused something invisible: ${focus.what}`);
  }
  throw new Error(`${target} not reached in ${maxPresses} presses of Tab`);
}

/** Picks a select's option with the arrow keys alone, as a keyboard user would. */
async function chooseWithArrows(page: Page, select: Locator, optionText: string): Promise<void> {
  const count = await select.locator('option').count();
  for (let i = 0; i < count; i++) {
    const chosen = await select.evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent?.trim() ?? '');
    if (chosen === optionText) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`could not reach "${optionText}" with the arrow keys`);
}
