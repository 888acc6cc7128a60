import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { createDraft, submitDraft } from '../../../src/services/complain/drafts.ts';
import { javaScriptIsOn } from './browser.ts';
import type { E2EServer } from './server.ts';
import { errorSummaryShows, eventually, shows, type Check } from './steps.ts';

/** Someone complaining online, and the answers they give. All fictional. */
export interface OnlineComplainant {
  fullName: string;
  email: string;
  /** The body as the list shows it, and what they type into the autocomplete to find it. */
  body: { listed: string; typed: string };
  whatHappened: string;
  injustice: string;
  desiredOutcome: string;
  /** Not complained to the council yet: the interruption page, then why they come to us now. */
  notComplainedYet?: { reason: string; details: string };
  /** Complaining for someone else: who, and how they are related. */
  forSomeoneElse?: { name: string; relationship: string };
  /** Adjustments they need, if any. */
  adjustments?: string;
}

/** Presses "Continue" on a question page. */
async function carryOn(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
}

/** The question page whose heading (or legend as heading) is `title`, once it shows. */
async function questionShows(page: Page, title: string): Promise<void> {
  await shows(page.getByRole('heading', { level: 1, name: title, exact: true }));
  await eventually(() => page.title()).toBe(`${title} - Complain to the Ombudsman`);
}

/**
 * Chooses the body: without JavaScript from the plain select; with JavaScript by typing part of
 * its name into the accessible autocomplete the select becomes, and picking it from the list.
 */
export async function chooseBody(page: Page, body: OnlineComplainant['body']): Promise<void> {
  const field = page.getByLabel('Find the council or care provider by name');
  if (!javaScriptIsOn(page)) {
    expect(await field.evaluate((el) => el.tagName.toLowerCase())).toBe('select');
    await field.selectOption({ label: body.listed });
    return;
  }
  await shows(page.getByRole('combobox', { name: 'Find the council or care provider by name' }));
  expect(await field.evaluate((el) => el.tagName.toLowerCase()), 'the select has become an autocomplete').toBe('input');
  await field.pressSequentially(body.typed, { delay: 30 });
  const option = page.getByRole('option', { name: body.listed });
  await shows(option);
  await option.click();
  expect(await field.inputValue()).toBe(body.listed);
  // The select behind it, which the form sends, now holds the body chosen.
  const chosen = await page.locator('select[name="bodyId"]').evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.textContent?.trim());
  expect(chosen).toBe(body.listed);
}

/**
 * Complains online from the start page: every question page in turn, clicking and typing, with
 * "Continue" pressed once on the first page with nothing chosen. Ends on "Check your answers".
 */
export async function answerEveryQuestion(page: Page, who: OnlineComplainant, check: Check): Promise<void> {
  await shows(page.getByRole('heading', { level: 1, name: 'Complain to the Ombudsman' }));
  await check(page, 'start');
  await page.getByRole('button', { name: 'Start now' }).click();

  await questionShows(page, 'Who is your complaint about?');
  await check(page, 'who-is-it-about');
  await carryOn(page);
  await errorSummaryShows(page, ['Select the council or care provider your complaint is about']);
  await check(page, 'who-is-it-about-empty');
  await chooseBody(page, who.body);
  await carryOn(page);

  for (const [title, answer, label] of [
    ['What happened?', who.whatHappened, 'what-happened'],
    ['What injustice or harm did it cause you?', who.injustice, 'injustice'],
    ['What do you want to happen?', who.desiredOutcome, 'desired-outcome'],
  ] as const) {
    await questionShows(page, title);
    await check(page, label);
    await page.getByLabel(title).fill(answer);
    await carryOn(page);
  }

  await questionShows(page, 'Have you already complained to the council or care provider?');
  await check(page, 'complained-already');
  await page.getByLabel(who.notComplainedYet ? 'No' : 'Yes', { exact: true }).check();
  await carryOn(page);
  if (who.notComplainedYet) {
    await shows(page.getByRole('heading', { level: 1, name: 'Complain to the council or care provider first' }));
    await check(page, 'complain-to-them-first');
    await page.getByRole('button', { name: 'Continue with my complaint' }).click();
    await questionShows(page, 'Why are you complaining to us now?');
    await check(page, 'reason-for-complaining-now');
    await page.getByLabel(who.notComplainedYet.reason).check();
    await page.getByLabel('Tell us more').fill(who.notComplainedYet.details);
    await carryOn(page);
  }

  await questionShows(page, 'Are you complaining for yourself or for someone else?');
  await check(page, 'who-for');
  await page.getByLabel(who.forSomeoneElse ? 'Someone else' : 'Myself', { exact: true }).check();
  await carryOn(page);
  if (who.forSomeoneElse) {
    await questionShows(page, 'About the person you are complaining for');
    await check(page, 'person-affected');
    await page.getByLabel('Their full name').fill(who.forSomeoneElse.name);
    await page.getByLabel('Your relationship to them').fill(who.forSomeoneElse.relationship);
    await carryOn(page);
  }

  await questionShows(page, 'Your contact details');
  await check(page, 'contact-details');
  await page.getByLabel('Full name').fill(who.fullName);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByRole('group', { name: 'How would you like us to contact you?' }).getByLabel('Email').check();
  await carryOn(page);

  await questionShows(page, 'Do you need us to make any reasonable adjustments?');
  await check(page, 'adjustments');
  if (who.adjustments) {
    await page.getByLabel('Yes', { exact: true }).check();
    await page.getByLabel('What do you need?').fill(who.adjustments);
  } else {
    await page.getByLabel('No', { exact: true }).check();
  }
  await carryOn(page);
  await shows(page.getByRole('heading', { level: 1, name: 'Check your answers before sending your complaint' }));
}

/** The value "Check your answers" shows for the row `key`. */
export function answerFor(page: Page, key: string): Locator {
  return page.locator('.govuk-summary-list__row').filter({ has: page.locator('dt', { hasText: new RegExp(`^\\s*${escapeRegExp(key)}\\s*$`) }) }).locator('dd.govuk-summary-list__value');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The newest sign-in code emailed to `email`, read from the outbox as a member of staff reads it
 * (the page must be open at /staff/outbox).
 */
export async function signInCodeInOutbox(staff: Page, email: string): Promise<string> {
  const card = staff
    .locator('.govuk-summary-card')
    .filter({ has: staff.locator('dd', { hasText: `${email} (email)` }) })
    .filter({ hasText: 'Your sign-in code is' })
    .first();
  await shows(card);
  const code = /Your sign-in code is (\d{6})\./.exec((await card.textContent()) ?? '')?.[1];
  if (!code) throw new Error(`no sign-in code for ${email} in the outbox`);
  return code;
}

/** A code that is certainly not `code`: its last digit mistyped. */
export function mistyped(code: string): string {
  return code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10);
}

/**
 * A small, valid one-page PDF written to a new temporary folder at run time. `remove()` deletes
 * the folder.
 */
export async function smallPdf(name: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'redress-e2e-upload-'));
  const path = join(dir, name);
  await writeFile(path, pdfSaying('Letter from Borough of Mockford Council (fictional)'));
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A minimal PDF 1.4 file showing one line of text, with a correct cross-reference table. */
function pdfSaying(text: string): Buffer {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, '\\$&')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * Another person's complaint, sent through the online form's own services (not the browser):
 * the case a complainant must not be able to open by changing the reference in the address.
 */
export async function someoneElsesComplaint(server: E2EServer): Promise<string> {
  const services = server.system.services;
  const body = server.bodies.find((b) => b.name === 'Exampleshire County Council');
  if (!body) throw new Error('the fictional bodies are missing');
  const id = await createDraft(services, {
    bodyId: body.id,
    bodyName: body.name,
    whatHappened: 'The county council lost my blue badge application.',
    injustice: 'I could not park near the hospital for two months.',
    desiredOutcome: 'An apology and a decision on the application.',
    complainedToBody: 'yes',
    complainingFor: 'myself',
    fullName: 'Sam Elsewhere',
    email: 'sam.elsewhere@e2e.example',
    contactPreference: 'email',
    needsAdjustments: 'no',
  });
  const outcome = await submitDraft(services, id);
  if (outcome.status !== 'sent') throw new Error('the other complaint was not sent');
  return outcome.complaint.reference;
}
