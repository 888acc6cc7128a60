/**
 * A small browser for setting up benchmark sessions over real HTTP: keeps cookies, reads the
 * CSRF token from the last page, posts forms, never follows redirects (so a 303 after a form is
 * seen as such). Signs in a demo caseworker, or a complainant with the code the portal emailed.
 *
 * Every request says it came through a TLS-terminating proxy (`x-forwarded-proto: https`), as it
 * would in production: the server trusts its proxy and, in production, sets its session cookie
 * only on secure requests.
 */
export const VIA_PROXY = { 'x-forwarded-proto': 'https' } as const;
export interface Page {
  status: number;
  text: string;
  location: string | null;
}

export class BenchBrowser {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  /** `forwardedFor`: the client address the proxy would report, so each simulated user has its own (sign-in limits are per address). */
  constructor(readonly baseUrl: string, readonly forwardedFor?: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private async send(path: string, init: RequestInit): Promise<Page> {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-proto', VIA_PROXY['x-forwarded-proto']);
    if (this.forwardedFor) headers.set('x-forwarded-for', this.forwardedFor);
    if (this.cookies.size) headers.set('cookie', this.cookieHeader());
    const response = await fetch(new URL(path, this.baseUrl), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair?.indexOf('=') ?? -1;
      if (pair && at > 0) this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: response.status, text, location: response.headers.get('location') };
  }

  get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' });
  }

  /** Posts a form with the current CSRF token. */
  post(path: string, fields: Record<string, string>): Promise<Page> {
    const body = new URLSearchParams({ _csrf: this.csrf, ...fields }).toString();
    return this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}

/** Signs a caseworker in through the staff sign-in form; throws unless it worked. */
export async function signInStaff(baseUrl: string, email: string, password: string, forwardedFor?: string): Promise<BenchBrowser> {
  const browser = new BenchBrowser(baseUrl, forwardedFor);
  await browser.get('/staff/sign-in');
  const page = await browser.post('/staff/sign-in', { email, password, returnTo: '/staff' });
  if (page.status !== 303) throw new Error(`Signing in ${email} failed: HTTP ${page.status}`);
  await browser.get('/staff');
  return browser;
}

/**
 * Signs a complainant in to the portal: asks for a code for the address, reads it with `readCode`
 * (the benchmark reads the queued email from the database) and enters it.
 */
export async function signInComplainant(baseUrl: string, email: string, readCode: (email: string) => Promise<string>, landing = '/complaints', forwardedFor?: string): Promise<BenchBrowser> {
  const browser = new BenchBrowser(baseUrl, forwardedFor);
  await browser.get('/sign-in');
  const asked = await browser.post('/sign-in', { email });
  if (asked.status !== 303) throw new Error(`Asking for a sign-in code for ${email} failed: HTTP ${asked.status}`);
  await browser.get('/sign-in/check-email');
  const entered = await browser.post('/sign-in/check-email', { code: await readCode(email) });
  if (entered.status !== 303) throw new Error(`Signing in ${email} to the portal failed: HTTP ${entered.status}`);
  // Signing in starts a new session: its CSRF token comes with the next page that has a form.
  const page = await browser.get(landing);
  if (page.status !== 200) throw new Error(`${landing} answered HTTP ${page.status} after signing in ${email}`);
  return browser;
}
