import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { hasChromium } from './helpers/browser.ts';
import { signInCodeInOutbox, smallPdf } from './helpers/complainant.ts';
import { DAY, E2E_START, e2eStaff, type E2EServer, type E2EStaffName } from './helpers/server.ts';
import { eventually, fillDate, pageChecker, shows, signIn } from './helpers/steps.ts';
import { reportChromiumMissing, useServerAndBrowser } from './helpers/suite.ts';
import { registerContact } from '../../src/services/intake.ts';
import { decideAssessment } from '../../src/services/assessment.ts';
import { allocateCase } from '../../src/services/allocation.ts';
import { issueFinalDecision, shareDraftDecision } from '../../src/services/investigation.ts';
import type { Actor } from '../../src/domain/case-lifecycle.ts';
import type { Role } from '../../src/domain/vocabulary.ts';

const COUNCIL = 'Borough of Mockford Council';
/** Plan year 2025 runs from 1 April 2025 to 31 March 2026: the journey happens in March 2026. */
const PLAN_YEAR = '2025';

/**
 * Issue journey 3: the council's link officer confirms a remedy with evidence, the case closes,
 * and the council's public figures and the service standards dashboard move. The decided case it
 * starts from is made through the services (journey 2 drives that part through the browser); from
 * there on everything is clicked and typed: a team manager adds the link officer, who signs in
 * with the emailed code, confirms the apology with a PDF, and the public and staff pages show it.
 */
async function decidedCaseWithApology(server: E2EServer, complainant: string): Promise<string> {
  const services = server.system.services;
  const as = (who: E2EStaffName): Actor => ({ id: server.staffIds[who], roles: [...e2eStaff[who].roles] as Role[] });
  const body = server.bodies.find((b) => b.name === COUNCIL);
  if (!body) throw new Error('the fictional bodies are missing');
  const { reference } = await registerContact(services, as('intake'), {
    channel: 'letter', receivedAt: new Date(server.clock.now().getTime() - 3_600_000), complainant: { fullName: complainant, email: null },
    bodyIds: [body.id], summary: 'The council did not reply to letters about a homelessness application.', outcome: 'case-created',
    category: 'Housing', subcategory: 'Homelessness', jurisdiction: 'local-government',
  });
  if (!reference) throw new Error('no case was registered');
  await decideAssessment(services, reference, as('assessor'), { decision: 'pass-for-investigation' });
  await allocateCase(services, reference, as('manager'), server.staffIds.investigator);
  await shareDraftDecision(services, reference, as('investigator'), { outcome: 'upheld-fault-injustice', reasons: 'The council failed to reply to three letters.', commentsDueOn: '2026-03-03' });
  server.clock.set(new Date(server.clock.now().getTime() + DAY));
  await issueFinalDecision(services, reference, as('investigator'), {
    outcome: 'upheld-fault-injustice', reasons: 'The council failed to reply to three letters.',
    remedies: [{ kind: 'apology', description: 'Apologise in writing for not replying.', dueOn: '2026-03-27' }],
  });
  return reference;
}

/** The council's figure for a measure on its public page (first figure column of that row). */
async function councilFigure(page: Page, measure: string): Promise<string> {
  const row = page.locator('#figures-table tr').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${measure}`) }) });
  return ((await row.locator('td').first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** The "Counted" column of a standard on the service standards dashboard, like "3 of 4". */
async function standardCounted(page: Page, description: string): Promise<string> {
  const row = page.getByRole('row').filter({ hasText: description });
  return ((await row.locator('td').nth(3).textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('a link officer confirms a remedy in a real browser', () => {
    const suite = useServerAndBrowser();

    for (const javaScript of [true, false]) {
      const mode = javaScript ? 'js' : 'no-js';
      describe(javaScript ? 'with JavaScript' : 'without JavaScript', () => {
        const check = pageChecker(`link-officer-${mode}`);
        const officer = javaScript
          ? { name: 'Lee Linkofficer', email: 'lee.linkofficer@mockford.example' }
          : { name: 'Lou Linkofficer', email: 'lou.linkofficer@mockford.example' };
        let reference = '';
        const before = { decisions: '', compliance: '', investigationsClosed: '' };

        async function inBrowser(work: (page: Page) => Promise<void>) {
          const context = await suite.browser.newContext({ javaScript });
          try {
            await work(await context.newPage());
          } finally {
            await context.close();
          }
        }
        const asStaff = (who: E2EStaffName, work: (page: Page) => Promise<void>) =>
          inBrowser(async (page) => {
            await signIn(page, suite.server, who, check);
            await work(page);
          });
        const openCouncilPage = async (page: Page) => {
          await page.goto(`${suite.server.url}/councils`);
          await page.getByRole('link', { name: COUNCIL }).first().click();
          await shows(page.getByRole('heading', { level: 1, name: COUNCIL }));
          await page.getByLabel('Plan year').first().selectOption(PLAN_YEAR);
          await page.getByRole('button', { name: 'Show figures' }).click();
          await shows(page.getByRole('heading', { name: 'Figures for 2025-26' }));
        };

        it('the case is decided, and a team manager adds the council’s link officer', async () => {
          suite.server.clock.set(E2E_START);
          reference = await decidedCaseWithApology(suite.server, javaScript ? 'Sam Fictional' : 'Alex Fictional');
          await asStaff('manager', async (page) => {
            await page.getByRole('link', { name: 'Bodies and their link officers' }).click();
            await page.getByLabel('Council or care provider').fill('Mockford');
            await page.getByRole('button', { name: 'Search' }).click();
            await page.getByRole('link', { name: COUNCIL }).click();
            await shows(page.getByRole('heading', { name: `Link officers for ${COUNCIL}` }));
            await check(page, 'link-officers');
            await page.getByLabel('Full name').fill(officer.name);
            await page.getByLabel('Work email address').fill(officer.email);
            await page.getByRole('button', { name: 'Add link officer' }).click();
            await eventually(() => page.locator('main').textContent()).toContain(officer.name);
            await check(page, 'link-officer-added');
          });
        }, 120_000);

        it('the public council page and the standards dashboard show the figures before', async () => {
          await inBrowser(async (page) => {
            await openCouncilPage(page);
            await check(page, 'council-before');
            before.decisions = await councilFigure(page, 'Decisions made');
            before.compliance = await councilFigure(page, 'Compliance with our recommendations');
          });
          await asStaff('manager', async (page) => {
            await page.getByRole('link', { name: 'Service standards', exact: true }).click();
            await shows(page.getByRole('heading', { level: 1, name: /Service standards/ }));
            before.investigationsClosed = await standardCounted(page, 'Close 65% of investigations within 13 weeks');
          });
        }, 120_000);

        it('the link officer signs in with the emailed code and confirms the apology with evidence', async () => {
          suite.server.clock.set(new Date(E2E_START.getTime() + 3 * DAY)); // Thursday 5 March
          const evidence = await smallPdf('apology-letter.pdf');
          try {
            await inBrowser(async (page) => {
              await page.goto(`${suite.server.url}/bodies`);
              await shows(page.getByRole('heading', { name: 'Sign in as a link officer' }));
              await check(page, 'bodies-sign-in', { once: true });
              await page.getByLabel('Email address').fill(officer.email);
              await page.getByRole('button', { name: 'Continue' }).click();
              await shows(page.getByRole('heading', { name: 'Check your email' }));

              let code = '';
              await asStaff('manager', async (staff) => {
                await staff.goto(`${suite.server.url}/staff/outbox`);
                code = await signInCodeInOutbox(staff, officer.email);
              });
              await page.getByLabel('Code').fill(code);
              await page.getByRole('button', { name: 'Continue' }).click();
              await shows(page.getByRole('heading', { name: 'What we are waiting for from you' }));
              await check(page, 'bodies-home');

              await page.getByRole('table').filter({ hasText: 'Apologise in writing' }).getByRole('link', { name: reference }).click();
              await check(page, 'confirm-remedy');
              await page.getByLabel('What was done').fill('The chief executive wrote to apologise on 4 March 2026.');
              await fillDate(page, 'When was it done?', { day: 4, month: 3, year: 2026 });
              await page.getByLabel('Evidence (optional)').setInputFiles(evidence.path);
              await page.getByRole('button', { name: 'Confirm remedy done' }).click();
              await eventually(() => page.locator('main').textContent()).toContain(`Case ${reference} is now closed`);
              await check(page, 'remedy-confirmed');
            });
          } finally {
            await evidence.remove();
          }
        }, 180_000);

        it('the caseworker sees the case closed, with the link officer and the evidence on it', async () => {
          await asStaff('investigator', async (page) => {
            await page.goto(`${suite.server.url}/staff/search?q=${encodeURIComponent(reference)}`);
            await page.getByRole('link', { name: reference }).first().click();
            await shows(page.getByRole('heading', { level: 1, name: `Case ${reference}` }));
            await eventually(() => page.locator('h1 .govuk-tag').first().textContent()).toContain('Closed');
            const timeline = page.locator('.moj-timeline');
            expect(await timeline.textContent()).toContain(`Link officer ${officer.name}`);
            expect(await page.getByRole('link', { name: 'apology-letter.pdf' }).count()).toBe(1);
            await check(page, 'case-closed');
          });
        }, 120_000);

        it('the council’s public figures and the service standards dashboard have moved', async () => {
          await inBrowser(async (page) => {
            await openCouncilPage(page);
            // Public figures are recomputed in the background once stale: the page catches up.
            await eventually(async () => {
              await page.reload();
              return councilFigure(page, 'Decisions made');
            }).not.toBe(before.decisions);
            expect(Number.parseInt(await councilFigure(page, 'Decisions made'), 10)).toBe(Number.parseInt(before.decisions, 10) + 1);
            expect(await councilFigure(page, 'Compliance with our recommendations')).not.toBe(before.compliance);
            await check(page, 'council-after');
          });
          await asStaff('manager', async (page) => {
            await page.getByRole('link', { name: 'Service standards', exact: true }).click();
            const [counted, total] = before.investigationsClosed.split(' of ').map((n) => Number(n.replace(/,/g, '')));
            await eventually(() => standardCounted(page, 'Close 65% of investigations within 13 weeks')).toBe(`${(counted ?? 0) + 1} of ${(total ?? 0) + 1}`);
            await check(page, 'standards-after');
          });
        }, 180_000);
      });
    }
  });
}
