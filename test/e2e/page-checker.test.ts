import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, hasChromium, launchBrowser, screenshotFolder, type E2EBrowser } from './helpers/browser.ts';
import { reportChromiumMissing } from './helpers/suite.ts';

/** The checker itself: a page broken on purpose must fail, with each problem named. */
const broken = `<!DOCTYPE html>
<html lang="en"><head><title>Broken on purpose</title></head>
<body class="govuk-template__body">
<script>document.body.classList.add('govuk-frontend-supported')</script>
<main><h1>Broken on purpose</h1>
<input type="text" name="unlabelled">
<img src="/missing.png">
<div style="width: 700px">A box too wide for a phone</div>
</main></body></html>`;

if (!hasChromium) {
  reportChromiumMissing();
} else {
  describe('the page checker', () => {
    let browser: E2EBrowser | undefined;
    beforeAll(async () => {
      browser = await launchBrowser();
    }, 60_000);
    afterAll(async () => browser?.close());

    for (const javaScript of [true, false]) {
      it(`fails a page with violations and lists them, ${javaScript ? 'with' : 'without'} JavaScript`, async () => {
        const context = await browser!.newContext({ javaScript });
        try {
          const page = await context.newPage();
          await page.route('http://broken.invalid/**', (route) =>
            route.request().isNavigationRequest() ? route.fulfill({ contentType: 'text/html', body: broken }) : route.fulfill({ status: 404 }),
          );
          await page.goto('http://broken.invalid/page');
          const name = `checker-self-test-${javaScript ? 'js' : 'no-js'}`;
          const failure = await checkPage(page, name).then(() => undefined, (error: Error) => error.message);
          expect(failure).toBeDefined();
          expect(failure).toContain(`on "${name}" (http://broken.invalid/page)`);
          expect(failure).toMatch(/- label \[critical\]: Form elements must have labels/);
          expect(failure).toMatch(/- image-alt \[critical\]: Images must have alternative text/);
          expect(failure).toContain('<input type="text" name="unlabelled">');
          expect(failure).toMatch(/scrolls \d+px sideways at 320px wide/);
          expect(failure).toContain('A box too wide for a phone');
          for (const width of [320, 1280]) expect(existsSync(join(screenshotFolder(), `${name}-${width}.png`))).toBe(true);
        } finally {
          await context.close();
        }
      }, 60_000);
    }
  });
}
