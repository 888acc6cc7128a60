import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../helpers/databases.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

// A council page is rendered once per version of its figures and served to everyone, each
// response with its own CSP nonce: a kept copy must never carry another response's nonce.
describe.each(testEngines)('public pages rendered once (%s)', (engine) => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(engine); });
  afterAll(async () => t?.dispose());

  const nonceOf = (csp: string) => /'nonce-([^']+)'/.exec(csp)?.[1];

  it('serves the same page with each response’s own nonce, matching its Content-Security-Policy', async () => {
    const [first, second] = [await t.app.inject({ url: '/councils/X99000003' }), await t.app.inject({ url: '/councils/X99000003' })];
    expect(first.statusCode).toBe(200);
    const nonces = [first, second].map((r) => nonceOf(String(r.headers['content-security-policy'])));
    expect(nonces[0]).toBeTruthy();
    expect(nonces[0]).not.toBe(nonces[1]);
    for (const [i, response] of [first, second].entries()) {
      const inPage = [...response.body.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1]);
      expect(inPage.length).toBeGreaterThan(0);
      expect(new Set(inPage)).toEqual(new Set([nonces[i]]));
      expect(response.body).not.toContain('placeholder');
    }
    expect(first.body.replaceAll(nonces[0] as string, '')).toBe(second.body.replaceAll(nonces[1] as string, ''));
    expect(first.headers.etag).toBe(second.headers.etag);
  });
});
