/**
 * A browser-like client for the services people sign in to with an emailed code (the complainant
 * portal and the link officers' service): it keeps its session cookie, reads the CSRF token from
 * the last page (a hidden field, or a form action's query), comes from its own client address so
 * rate limits apply per person, and signs in by reading the code from the notifications table.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PASSWORD, testStaff, type TestApp, type TestStaffName } from './app.ts';

const BOUNDARY = '----email-code-test-boundary';

/** One file field of a multipart form; an empty file input still sends one, with no name and nothing in it. */
export function filePart(file: { name: string; content: Buffer; type?: string }): Buffer[] {
  return [
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="document"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`),
    file.content,
    Buffer.from('\r\n'),
  ];
}

export function textPart(name: string, value: string): Buffer {
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

/** The code in the newest sign-in email to `email`, if any. */
export async function latestCode(t: TestApp, email: string): Promise<string | undefined> {
  const row = await t.database.db
    .selectFrom('notifications')
    .select('personalisation')
    .where('template', '=', 'sign-in-code')
    .where('recipient', '=', email.toLowerCase())
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? String((row.personalisation as Record<string, unknown>).code) : undefined;
}

export class EmailCodeClient {
  cookie = '';
  csrf = '';

  constructor(
    readonly app: FastifyInstance,
    readonly address: string,
    private readonly signInPaths: { signIn: string; checkEmail: string },
  ) {}

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies as { name: string; value: string }[]) if (c.name === 'redress.sid') this.cookie = `redress.sid=${c.value}`;
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1] ?? /\?_csrf=([^"&]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = decodeURIComponent(token);
    return response;
  }

  private headers(extra: Record<string, string> = {}) {
    return { 'x-forwarded-for': this.address, ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: this.headers() }));
  }

  async post(url: string, form: Record<string, string>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) body.append(k, v);
    return this.remember(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }) }),
    );
  }

  /** A multipart form of these parts (see filePart and textPart), as the upload forms send it: CSRF token in the query. */
  protected async postMultipart(url: string, parts: Buffer[], options: { csrf?: boolean } = {}) {
    const query = options.csrf === false ? '' : `?_csrf=${encodeURIComponent(this.csrf)}`;
    return this.remember(
      await this.app.inject({
        method: 'POST', url: `${url}${query}`, payload: Buffer.concat([...parts, Buffer.from(`--${BOUNDARY}--\r\n`)]),
        headers: this.headers({ 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }),
      }),
    );
  }

  /** Asks for a code for `email`; returns the response to the email form. */
  async requestCode(email: string) {
    await this.get(this.signInPaths.signIn);
    return this.post(this.signInPaths.signIn, { email });
  }

  /** Asks for a code and enters it, reading it from the notifications table; returns the answer to the code (a 303). */
  protected async enterCode(t: TestApp, email: string) {
    const asked = await this.requestCode(email);
    if (asked.statusCode !== 303) throw new Error(`asking for a code for ${email} failed: ${asked.statusCode}`);
    await this.get(this.signInPaths.checkEmail);
    const code = await latestCode(t, email);
    if (!code) throw new Error(`no code was sent to ${email}`);
    const response = await this.post(this.signInPaths.checkEmail, { code });
    if (response.statusCode !== 303) throw new Error(`signing in as ${email} failed: ${response.statusCode} ${response.body.slice(0, 300)}`);
    return response;
  }

  /** Signs in as a member of staff with their password. */
  async signInAsStaff(who: TestStaffName) {
    await this.get('/staff/sign-in');
    const response = await this.post('/staff/sign-in', { email: testStaff[who].email, password: PASSWORD, returnTo: '/staff' });
    if (response.statusCode !== 303) throw new Error(`staff sign-in as ${who} failed: ${response.statusCode}`);
    await this.get('/staff');
    return this;
  }
}
