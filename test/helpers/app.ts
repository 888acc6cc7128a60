import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Engine } from '../../src/data/db.ts';
import type { Config } from '../../src/config.ts';
import { upsertBodies } from '../../src/data/repositories/bodies.ts';
import { localFileStore } from '../../src/files/file-store.ts';
import { CalendarHolder, syncBankHolidays } from '../../src/services/bank-holidays.ts';
import { fixedClock } from '../../src/services/clock.ts';
import type { ServiceDeps } from '../../src/services/deps.ts';
import { createStaffUser } from '../../src/services/staff-accounts.ts';
import { fictionalDemoBodies } from '../../src/services/reference-data/bodies-import.ts';
import { buildApp } from '../../src/web/app.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export const PASSWORD = 'correct horse battery staple';

export const testStaff = {
  intake: { email: 'ivy.intake@test.example', displayName: 'Ivy Intake', roles: ['intake'] },
  assessor: { email: 'adam.assessor@test.example', displayName: 'Adam Assessor', roles: ['assessor'] },
  investigator: { email: 'ina.investigator@test.example', displayName: 'Ina Investigator', roles: ['investigator'], team: 'investigation' },
  otherInvestigator: { email: 'otto.investigator@test.example', displayName: 'Otto Investigator', roles: ['investigator'], team: 'investigation' },
  manager: { email: 'meg.manager@test.example', displayName: 'Meg Manager', roles: ['team-manager'] },
  admin: { email: 'ada.admin@test.example', displayName: 'Ada Admin', roles: ['admin'] },
} as const;
export type TestStaffName = keyof typeof testStaff;

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  services: ServiceDeps;
  clock: ReturnType<typeof fixedClock>;
  holidays: CalendarHolder;
  staffIds: Record<TestStaffName, number>;
  bodyIds: number[];
  dispose(): Promise<void>;
}

/** A whole application on a fresh database of its own, with a controllable clock and one user per role. */
export async function createTestApp(engine: Engine, now = new Date('2026-03-02T10:00:00Z'), config: Partial<Config> = {}): Promise<TestApp> {
  const database = await createTestDatabase(engine);
  const filesDir = await mkdtemp(join(tmpdir(), 'redress-files-'));
  await syncBankHolidays(database.db, 2015, 2030);
  const holidays = new CalendarHolder(database.db);
  await holidays.refresh();
  const clock = fixedClock(now);
  const services: ServiceDeps = { db: database.db, clock, calendar: holidays.get, files: localFileStore(filesDir) };
  const staffIds = {} as Record<TestStaffName, number>;
  for (const [name, user] of Object.entries(testStaff)) {
    staffIds[name as TestStaffName] = await createStaffUser(services, null, { ...user, roles: [...user.roles], password: PASSWORD });
  }
  await upsertBodies(database.db, fictionalDemoBodies());
  const bodies = await database.db.selectFrom('bodies').select('id').orderBy('id').execute();
  const app = await buildApp({ config: { production: false, sessionSecret: 'a-test-session-secret-of-at-least-32-chars', ...config }, services, holidays, logger: false });
  return {
    app, database, services, clock, holidays, staffIds, bodyIds: bodies.map((b) => b.id),
    async dispose() {
      await app.close();
      await database.dispose();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

/** A browser-like session: keeps cookies, reads the CSRF token from the last page, posts forms. */
export class Browser {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies) this.cookies.set(c.name, c.value);
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrf = token;
    return response;
  }

  async get(url: string) {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } }));
  }

  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: boolean } = {}) {
    const body = new URLSearchParams();
    if (options.csrf !== false) body.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
    return this.remember(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' } }),
    );
  }

  async postMultipart(url: string, file: { name: string; type: string; content: Buffer } | undefined) {
    const boundary = '----redress-test-boundary';
    const parts: Buffer[] = [];
    if (file) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.content, Buffer.from('\r\n'));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    return this.remember(
      await this.app.inject({
        method: 'POST', url: `${url}?_csrf=${encodeURIComponent(this.csrf)}`, payload: Buffer.concat(parts),
        headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      }),
    );
  }

  async signIn(who: TestStaffName) {
    await this.get('/staff/sign-in');
    const response = await this.post('/staff/sign-in', { email: testStaff[who].email, password: PASSWORD, returnTo: '/staff' });
    if (response.statusCode !== 303) throw new Error(`sign-in as ${who} failed: ${response.statusCode}`);
    await this.get('/staff');
    return this;
  }
}

export async function signedInAs(app: FastifyInstance, who: TestStaffName) {
  return new Browser(app).signIn(who);
}
