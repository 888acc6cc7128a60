import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Whether the system Chromium the browser tests drive is installed (they never download one). */
export const hasChromium = existsSync(CHROMIUM_PATH);
export const chromiumMissingMessage = `Chromium not found at ${CHROMIUM_PATH}: browser tests not run (apt-get install -y chromium)`;

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
export const SCREENSHOT_WIDTHS = [320, 1280] as const;

const projectRoot = resolve(import.meta.dirname, '..', '..', '..');
const jsEnabled = new WeakMap<BrowserContext, boolean>();

export interface E2EBrowser {
  browser: Browser;
  /** A new browser context: one person at their own computer, with JavaScript on or off. */
  newContext(options: { javaScript: boolean }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches the system Chromium, headless. Playwright gives each launch a fresh, empty user-data
 * folder of its own in the temp folder and removes it when the browser closes.
 */
export async function launchBrowser(): Promise<E2EBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    timeout: 60_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async newContext({ javaScript }) {
      const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(20_000);
      jsEnabled.set(context, javaScript);
      return context;
    },
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}

/** Whether pages in this context run JavaScript. */
export function javaScriptIsOn(page: Page): boolean {
  return jsEnabled.get(page.context()) ?? true;
}

let folder: string | undefined;

/**
 * The screenshot folder of this test run, `test-output/e2e-<ISO timestamp>/`, shared by every
 * test file of one `vitest run`: the files run in child processes of one vitest process, and the
 * first to ask records the folder's name in a marker named after that process.
 */
export function screenshotFolder(): string {
  if (folder) return folder;
  const runner = process.send ? process.ppid : process.pid;
  const markers = join(projectRoot, 'test-output', '.e2e-runs');
  mkdirSync(markers, { recursive: true });
  for (const old of readdirSync(markers)) {
    const path = join(markers, old);
    if (Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { force: true });
  }
  const marker = join(markers, `${runner}-${processStartTicks(runner)}`);
  if (!existsSync(marker)) {
    const stamp = new Date().toISOString().replace(/:/g, '-');
    const draft = `${marker}.${process.pid}.tmp`;
    writeFileSync(draft, join(projectRoot, 'test-output', `e2e-${stamp}`));
    try {
      linkSync(draft, marker); // atomic: the first file of the run wins
    } catch {
      // another test file of this run named the folder first
    } finally {
      rmSync(draft, { force: true });
    }
  }
  folder = readFileSync(marker, 'utf8');
  mkdirSync(folder, { recursive: true });
  console.log(`Browser test screenshots: ${folder}`);
  return folder;
}

const DAY_MS = 24 * 3_600_000;

/** When a process started, so a recycled process id never reuses an old run's folder (Linux; 0 elsewhere). */
function processStartTicks(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '0';
  } catch {
    return '0';
  }
}

/**
 * Checks the page as it is now: screenshots at 320 and 1280 pixels wide into the run's folder,
 * and axe-core with the WCAG 2.2 A and AA rules, failing with a readable list of every violation.
 * It also fails if the page scrolls sideways at 320 pixels (WCAG 1.4.10 reflow, which axe does not
 * check). A page without JavaScript is audited as a script-free copy of its DOM in a second tab
 * (axe itself needs JavaScript), while its screenshots are taken.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  const started = Date.now();
  await page.waitForLoadState('load');
  let audit: Promise<Violation[]> | undefined;
  if (!javaScriptIsOn(page)) {
    audit = axeOnScriptFreeCopy(page, await page.content());
    audit.catch(() => undefined); // awaited below; this only stops an early rejection going unhandled
  }
  // GOV.UK Frontend marks the body once its JavaScript runs: it must have run exactly when it should.
  const scripted = await page.evaluate(() => document.body.classList.contains('govuk-frontend-supported'));
  const overflow = await screenshots(page, name);
  const shot = Date.now();
  const violations = audit ? await audit : await axe(page);
  if (process.env.E2E_TIMING) console.log(`${name}: screenshots ${shot - started}ms, then axe ${Date.now() - shot}ms`);
  const problems = violations.length ? [describeViolations(name, page.url(), violations)] : [];
  if (scripted !== javaScriptIsOn(page)) {
    problems.push(`"${name}" (${page.url()}): GOV.UK Frontend's JavaScript ${scripted ? 'ran in a browser with JavaScript off' : 'did not run (blocked or failed to load?)'}`);
  }
  if (overflow.by > 0) {
    problems.push(
      `"${name}" (${page.url()}) scrolls ${overflow.by}px sideways at 320px wide: content must reflow (WCAG 1.4.10); see its -320.png screenshot. Sticking out:`,
      ...overflow.culprits.map((html) => `  ${html}`),
    );
  }
  if (problems.length) throw new Error(problems.join('\n'));
}

interface Overflow {
  by: number;
  culprits: string[];
}

/** How far the page scrolls sideways, and the outermost elements sticking out past its right edge. */
function sidewaysScroll(page: Page): Promise<Overflow> {
  return page.evaluate(() => {
    const root = document.documentElement;
    const by = root.scrollWidth - root.clientWidth;
    if (by <= 0) return { by, culprits: [] };
    const culprits: string[] = [];
    const visit = (el: Element) => {
      if (culprits.length >= 5) return;
      if (el.getBoundingClientRect().right > root.clientWidth + 0.5) {
        const inner = [...el.children].filter((child) => child.getBoundingClientRect().right > root.clientWidth + 0.5);
        if (!inner.length) culprits.push(el.outerHTML.slice(0, 160));
        else inner.forEach(visit);
      } else {
        [...el.children].forEach(visit);
      }
    };
    visit(document.body);
    return { by, culprits };
  });
}

/** Takes the screenshots; returns how far the page scrolls sideways at 320 pixels, and why. */
async function screenshots(page: Page, name: string): Promise<Overflow> {
  const file = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const dir = screenshotFolder();
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  let overflow: Overflow = { by: 0, culprits: [] };
  try {
    for (const width of SCREENSHOT_WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      if (width === 320) overflow = await sidewaysScroll(page);
      await page.screenshot({ path: join(dir, `${file}-${width}.png`), fullPage: true, animations: 'disabled', caret: 'initial' });
    }
  } finally {
    await page.setViewportSize(original);
  }
  return overflow;
}

type Violation = Awaited<ReturnType<AxeBuilder['analyze']>>['violations'][number];

async function axe(page: Page): Promise<Violation[]> {
  // Options first (they replace the tags otherwise). Only violations are needed, and legacy mode runs
  // axe in the page itself rather than in an extra blank tab: these pages have no frames.
  const results = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).withTags(AXE_TAGS).setLegacyMode(true).analyze();
  return results.violations.map((v) => ({ ...v, nodes: v.nodes.filter((node) => !knownDesignSystemIssue(v.id, node)) })).filter((v) => v.nodes.length > 0);
}

let toldAboutKnownIssue = false;

/**
 * The one violation tolerated, narrowly: GOV.UK Frontend's conditional reveals put `aria-expanded`
 * on the radio or checkbox that reveals content. ARIA 1.2 does not allow it on those roles, but the
 * design system keeps it on purpose because screen readers announce it (alphagov/govuk-frontend#979,
 * listed as a known axe finding). Any other attribute, rule or element still fails.
 */
function knownDesignSystemIssue(rule: string, node: Violation['nodes'][number]): boolean {
  if (rule !== 'aria-allowed-attr') return false;
  if (!/^<input class="govuk-(radios|checkboxes)__input"[^>]* aria-controls="conditional-/.test(node.html)) return false;
  const problems = [...node.all, ...node.any, ...node.none].filter((check) => check.message);
  const onlyExpanded = problems.length > 0 && problems.every((check) => /^ARIA attribute is not allowed: aria-expanded="(true|false)"$/.test(check.message));
  if (onlyExpanded && !toldAboutKnownIssue) {
    toldAboutKnownIssue = true;
    console.log('Note: axe reports aria-expanded on GOV.UK conditional-reveal radios/checkboxes; tolerated as the design system\'s known issue alphagov/govuk-frontend#979.');
  }
  return onlyExpanded;
}

interface AuditTab {
  page: Page;
  html: string;
}
const auditTabs = new WeakMap<Browser, Promise<AuditTab>>();

/** One JavaScript-enabled tab per browser, whose page loads are answered with the HTML it is given. */
function auditTab(browser: Browser): Promise<AuditTab> {
  let tab = auditTabs.get(browser);
  if (!tab) {
    tab = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: true, viewport: { width: 1280, height: 900 } });
      const state: AuditTab = { page: await context.newPage(), html: '' };
      await state.page.route('**/*', (route) =>
        route.request().isNavigationRequest() ? route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: state.html }) : route.fallback(),
      );
      return state;
    })();
    auditTabs.set(browser, tab);
  }
  return tab;
}

/**
 * Audits a page that runs no JavaScript (axe needs it): its DOM as it was, scripts removed, is
 * loaded at the same address in a JavaScript-enabled tab, with the same styles, and audited there.
 * One audit at a time per browser.
 */
function axeOnScriptFreeCopy(page: Page, html: string): Promise<Violation[]> {
  const browser = page.context().browser();
  if (!browser) throw new Error('no browser for this page');
  const address = new URL(page.url());
  address.hash = '';
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 };
  const run = (auditQueue.get(browser) ?? Promise.resolve()).catch(() => undefined).then(async () => {
    const tab = await auditTab(browser);
    tab.html = html.replace(/<script\b[\s\S]*?<\/script>/gi, '');
    await tab.page.setViewportSize(viewport);
    await tab.page.goto(address.href, { waitUntil: 'load' });
    return axe(tab.page);
  });
  auditQueue.set(browser, run);
  return run;
}
const auditQueue = new WeakMap<Browser, Promise<unknown>>();

function describeViolations(name: string, url: string, violations: Violation[]): string {
  const lines = [`${violations.length} accessibility violation(s) on "${name}" (${url}):`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact ?? 'unknown'}]: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 10)) {
      lines.push(`    at ${node.target.join(' ')}`);
      lines.push(`       ${node.html.slice(0, 200)}`);
      if (node.failureSummary) lines.push(...node.failureSummary.split('\n').map((l) => `       ${l}`));
    }
    if (v.nodes.length > 10) lines.push(`    ...and ${v.nodes.length - 10} more`);
  }
  return lines.join('\n');
}
