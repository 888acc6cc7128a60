import { afterAll, beforeAll, it } from 'vitest';
import { chromiumMissingMessage, launchBrowser, type E2EBrowser } from './browser.ts';
import { startE2EServer, type E2EServer } from './server.ts';

export interface E2ESuite {
  server: E2EServer;
  browser: E2EBrowser;
}

/**
 * Starts a server and a browser for the test file (in parallel) and always stops both, even when
 * starting one of them or a test failed. Read `suite.server` and `suite.browser` inside tests.
 */
export function useServerAndBrowser(): E2ESuite {
  const suite = {} as Partial<E2ESuite>;
  beforeAll(async () => {
    const [server, browser] = await Promise.allSettled([startE2EServer(), launchBrowser()]);
    if (server.status === 'fulfilled') suite.server = server.value;
    if (browser.status === 'fulfilled') suite.browser = browser.value;
    if (server.status === 'rejected') throw server.reason;
    if (browser.status === 'rejected') throw browser.reason;
  }, 180_000);
  afterAll(async () => {
    try {
      await suite.browser?.close();
    } finally {
      await suite.server?.close();
    }
  }, 60_000);
  return suite as E2ESuite;
}

/** When Chromium is missing, the file has this one test instead, which says so and passes. */
export function reportChromiumMissing(): void {
  it('needs Chromium', () => {
    console.log(chromiumMissingMessage);
  });
}
