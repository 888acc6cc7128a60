import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { checkPage, javaScriptIsOn } from './browser.ts';
import { E2E_PASSWORD, e2eStaff, type E2EServer, type E2EStaffName } from './server.ts';

/** Checks a page (axe and screenshots); `once` for a page that is the same every visit, like signing in. */
export type Check = (page: Page, label: string, options?: { once?: boolean }) => Promise<void>;

/** `checkPage` with the journey's name and a running number, so screenshots sort in visiting order. */
export function pageChecker(prefix: string): Check {
  let n = 0;
  const seen = new Set<string>();
  return async (page, label, options = {}) => {
    if (options.once && seen.has(label)) return;
    seen.add(label);
    await checkPage(page, `${prefix}-${String(++n).padStart(2, '0')}-${label}`);
  };
}

/** `expect.poll` with room for a loaded machine: retries until the page shows what is expected. */
export function eventually<T>(read: () => Promise<T> | T) {
  return expect.poll(read, { timeout: 15_000, interval: 100 });
}

/** Waits (up to the context's timeout) until the locator shows, and returns it. */
export async function shows(locator: Locator): Promise<Locator> {
  await locator.waitFor({ state: 'visible' });
  return locator;
}

/** A person goes to the casework address, is sent to sign in, and signs in with the form. */
export async function signIn(page: Page, server: E2EServer, who: E2EStaffName, check: Check): Promise<void> {
  await page.goto(`${server.url}/staff`);
  await shows(page.getByRole('heading', { name: 'Sign in to Redress casework' }));
  await check(page, 'sign-in', { once: true });
  await page.getByLabel('Email address').fill(e2eStaff[who].email);
  await page.getByLabel('Password').fill(E2E_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await shows(page.getByRole('heading', { name: 'Casework', exact: true }));
  await eventually(() => page.getByText('Signed in as').textContent()).toContain(e2eStaff[who].displayName);
  await check(page, `home-${who}`);
}

/** Types a date into the GOV.UK date input whose fieldset is named `legend` (within `scope`). */
export async function fillDate(scope: Page | Locator, legend: string, date: { day: string | number; month: string | number; year: string | number }) {
  const group = scope.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(String(date.day));
  await group.getByLabel('Month').fill(String(date.month));
  await group.getByLabel('Year').fill(String(date.year));
}

/** The case reference in the "Complaint registered as 26 000 001" banner. */
export async function registeredReference(page: Page): Promise<string> {
  const heading = await shows(page.getByRole('heading', { name: /^Complaint registered as/ }));
  const reference = /(\d{2} \d{3} \d{3})/.exec((await heading.textContent()) ?? '')?.[1];
  if (!reference) throw new Error('no case reference in the banner');
  return reference;
}

/** The success banner's message, once it shows. */
export async function successBanner(page: Page, text: string): Promise<void> {
  const banner = await shows(page.locator('.govuk-notification-banner--success'));
  await eventually(() => banner.textContent()).toContain(text);
}

/**
 * A form came back with errors: the title says so, the error summary lists `messages` in order,
 * in the order of the fields on the page, each field repeats its message, and each summary link
 * points at the form field itself (not a wrapper), which exists once on the page. With JavaScript on, the summary has taken focus, and
 * following each link puts focus in its field.
 */
export async function errorSummaryShows(page: Page, messages: string[]): Promise<void> {
  const summary = await shows(page.locator('.govuk-error-summary'));
  const links = summary.getByRole('link');
  // Polled: right after a submit, the summary on screen may still be the previous page's.
  await eventually(async () => (await links.allTextContents()).map((t) => t.trim())).toEqual(messages);
  await eventually(() => summary.getByRole('heading').first().textContent()).toContain('There is a problem');
  expect(await page.title()).toMatch(/^Error: /);
  if (javaScriptIsOn(page)) {
    await eventually(() => summary.evaluate((el) => el === document.activeElement)).toBe(true);
  }
  const hrefs = await links.evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''));
  const inPageOrder = await page.evaluate((ids) => {
    const fields = ids.map((id) => document.getElementById(id));
    return fields.every((field, i) => i === 0 || (field && fields[i - 1] && fields[i - 1]!.compareDocumentPosition(field) & Node.DOCUMENT_POSITION_FOLLOWING));
  }, hrefs.map((href) => href.slice(1)));
  expect(inPageOrder, `the summary lists the errors in the order of the fields on the page (${hrefs.join(', ')})`).toBe(true);
  for (const link of await links.all()) {
    const text = ((await link.textContent()) ?? '').trim();
    const href = (await link.getAttribute('href')) ?? '';
    expect(href, `the link for "${text}"`).toMatch(/^#./);
    const target = page.locator(`[id="${href.slice(1)}"]`);
    expect(await target.count(), `elements with the id ${href} (for "${text}")`).toBe(1);
    expect(await target.evaluate((el) => el.tagName.toLowerCase()), `${href} (for "${text}") is a form field`).toMatch(/^(input|select|textarea)$/);
    expect(await page.locator('.govuk-error-message').filter({ hasText: text }).count(), `the field's own message "${text}"`).toBeGreaterThan(0);
    if (javaScriptIsOn(page)) {
      await link.click();
      await eventually(() => target.evaluate((el) => el === document.activeElement)).toBe(true);
    }
  }
}
