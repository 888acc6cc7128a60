/**
 * What the benchmark measures: each operation's HTTP request (as a caseworker, a complainant or
 * the public makes it) and, for the comparison, the same statements the server sends to the
 * database for it, run directly (bench/plain-sql/). Requests rotate through fixtures read from
 * the generated history, so the database does real work, not one cached row.
 */
import type { SqlWorker } from './plain-sql/run-sql.ts';
import { plainSql } from './plain-sql/run-sql.ts';
import type { BenchBrowser } from './load/browser.ts';

export interface Fixtures {
  /** References of generated cases, spread over the whole history. */
  references: string[];
  /** Full names of complainants of generated cases. */
  names: string[];
  /** Councils: id and code. */
  councils: { id: number; code: string }[];
  /** The plan year measured: April to March, named by its first year. */
  year: number;
  /** Complainants who can sign in to the portal, with a case of theirs that is open. */
  complainants: { email: string; reference: string; caseId: number; personId: number }[];
  /** Staff: the caseworker reading and the intake officer registering. */
  caseworkerId: number;
  intakeId: number;
}

/**
 * Signed-in sessions, one for each simulated user (connection), as 50 people would each have
 * their own: a session is a row the server reads and writes back on every request.
 */
export interface Sessions {
  /** The demo assessor, signed in once per user: queues, cases, search, the standards report. */
  caseworkers: BenchBrowser[];
  /** The demo intake officer, signed in once per user: registers complaints. */
  intakes: BenchBrowser[];
  /** Complainants signed in to the portal, with their cases (fixtures.complainants, in order). */
  complainants: BenchBrowser[];
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface Operation {
  key: string;
  label: string;
  /** Statuses that count as success. */
  expect: number[];
  /** Public pages need no sign-in (and their figures are cached by the server). */
  public?: boolean;
  /** Concurrency when not the run's default (the year's report is measured one at a time). */
  concurrency?: number;
  /** The n-th request of a run, made by simulated user `user` (a connection). */
  request(n: number, fixtures: Fixtures, sessions: Sessions, user?: number): HttpRequest;
  /** The n-th run of the same statements, directly, on one connection. */
  sql?(db: SqlWorker, n: number, fixtures: Fixtures): Promise<void>;
  /** The operation serving the same data as JSON, for the HTML / JSON ratio. */
  jsonTwin?: string;
}

const at = <T>(items: readonly T[], n: number): T => {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('A benchmark fixture list is empty');
  return item;
};
/** The user's own session of a kind (user 0 when the caller has no users). */
const own = (browsers: readonly BenchBrowser[], user = 0): BenchBrowser => at(browsers, user);
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';
/**
 * A London date's parts for the registration form: today's date, as a caseworker would type it.
 * The time given with it is midnight, never later than now: at 09:30 the form refused every
 * registration made before half past nine (the contact cannot arrive in the future).
 */
function todayParts(): { day: string; month: string; year: string } {
  const [year = '', month = '', day = ''] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()).split('-');
  return { day: String(Number(day)), month: String(Number(month)), year };
}

export const STANDARDS_PERIOD = (year: number) => ({ from: `${year}-04-01`, to: `${year + 1}-03-31` });

export const operations: readonly Operation[] = [
  {
    key: 'queue',
    label: 'Assessment queue',
    expect: [200],
    request: (_n, _f, s, u) => ({ method: 'GET', path: '/staff/queues/assessment', headers: { cookie: own(s.caseworkers, u).cookieHeader() } }),
    sql: (db, _n, f) => plainSql.queue(db, f),
  },
  {
    key: 'case',
    label: 'Case page',
    expect: [200],
    request: (n, f, s, u) => ({ method: 'GET', path: `/staff/cases/${at(f.references, n).replace(/ /g, '')}`, headers: { cookie: own(s.caseworkers, u).cookieHeader() } }),
    sql: (db, n, f) => plainSql.casePage(db, f, at(f.references, n)),
  },
  {
    key: 'search-reference',
    label: 'Search by reference',
    expect: [200],
    request: (n, f, s, u) => ({ method: 'GET', path: `/staff/search?q=${encodeURIComponent(at(f.references, n * 7))}`, headers: { cookie: own(s.caseworkers, u).cookieHeader() } }),
    sql: (db, n, f) => plainSql.searchByReference(db, f, at(f.references, n * 7)),
  },
  {
    key: 'search-name',
    label: 'Search by name',
    expect: [200],
    request: (n, f, s, u) => ({ method: 'GET', path: `/staff/search?q=${encodeURIComponent(at(f.names, n))}`, headers: { cookie: own(s.caseworkers, u).cookieHeader() } }),
    sql: (db, n, f) => plainSql.searchByName(db, f, at(f.names, n)),
  },
  {
    key: 'register',
    label: 'Register a complaint (staff form)',
    expect: [303],
    request: (n, f, s, u) => {
      const today = todayParts();
      const council = at(f.councils, n);
      const intake = own(s.intakes, u);
      return {
        method: 'POST', path: '/staff/contacts/new', headers: { cookie: intake.cookieHeader(), 'content-type': FORM },
        body: form({
          _csrf: intake.csrf, channel: 'phone', 'received-day': today.day, 'received-month': today.month, 'received-year': today.year, receivedTime: '00:00',
          fullName: `Bench Complainant ${n}`, email: `bench.complainant.${n}@example.com`, phone: '07700 900123', address: '',
          representativeName: '', representativeEmail: '', bodyId: String(council.id),
          summary: 'Complains that the council did not reply to letters about a housing repair.', outcome: 'case-created',
          category: 'Housing > Allocations', jurisdiction: 'local-government',
        }),
      };
    },
    sql: (db, n, f) => plainSql.registerComplaint(db, f, n),
  },
  {
    key: 'message',
    label: 'Portal message from a complainant',
    expect: [303],
    request: (n, f, s, u) => {
      const k = (u ?? n) % Math.max(1, s.complainants.length);
      const browser = s.complainants[k];
      const person = f.complainants[k];
      if (!browser || !person) throw new Error('No complainant is signed in');
      return {
        method: 'POST', path: `/complaints/${person.reference.replace(/ /g, '')}/messages`, headers: { cookie: browser.cookieHeader(), 'content-type': FORM },
        body: form({ _csrf: browser.csrf, message: `Message ${n}: I have found more letters from the council about this.` }),
      };
    },
    sql: (db, n, f) => plainSql.portalMessage(db, at(f.complainants, n), n),
  },
  {
    key: 'standards',
    label: 'Service standards report, plan year',
    expect: [200],
    concurrency: 1,
    request: (_n, f, s, u) => {
      const period = STANDARDS_PERIOD(f.year);
      return { method: 'GET', path: `/staff/service-standards?from=${period.from}&to=${period.to}`, headers: { cookie: own(s.caseworkers, u).cookieHeader() } };
    },
    sql: (db, _n, f) => plainSql.standards(db, f),
  },
  {
    key: 'council',
    public: true,
    label: 'Council page (HTML)',
    expect: [200],
    request: (n, f) => ({ method: 'GET', path: `/councils/${at(f.councils, n).code}?year=${f.year}` }),
    sql: (db, n, f) => plainSql.council(db, f, at(f.councils, n)),
    jsonTwin: 'council-json',
  },
  {
    key: 'council-json',
    public: true,
    label: 'Council page as JSON',
    expect: [200],
    request: (n, f) => ({ method: 'GET', path: `/open-data/${f.year}/councils/${at(f.councils, n).code}.json` }),
    sql: (db, n, f) => plainSql.councilJson(db, f, at(f.councils, n)),
  },
  {
    key: 'map',
    public: true,
    label: 'Map, upheld rate',
    expect: [200],
    request: (_n, f) => ({ method: 'GET', path: `/map?measure=upheld-rate&year=${f.year}` }),
    sql: (db, _n, f) => plainSql.map(db, f),
  },
  {
    key: 'open-data-csv',
    public: true,
    label: 'Open data CSV, a year',
    expect: [200],
    request: (_n, f) => ({ method: 'GET', path: `/open-data/${f.year}/body-statistics.csv` }),
    sql: (db, _n, f) => plainSql.openDataCsv(db, f),
  },
];
