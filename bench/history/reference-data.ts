/**
 * The people and places the generated history needs before any case: the bodies in jurisdiction
 * (the real councils when they are loaded, else fictional ones), the staff who work the cases
 * (the demo accounts, which can sign in, plus as many caseworkers as the size calls for) and one
 * link officer per body. Everything here is idempotent: running it again adds nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/data/schema.ts';
import { upsertBodies, type NewBody } from '../../src/data/repositories/bodies.ts';
import { defaultCalendar } from '../../src/domain/working-days.ts';
import { BodiesSourceError, importBodies } from '../../src/services/reference-data/bodies-import.ts';
import { DEMO_PASSWORD, demoStaff, seedDemoData } from '../../src/services/demo-seed.ts';

export { DEMO_PASSWORD, demoStaff };

/** First and last names of the invented people, staff and complainants alike. */
export const FIRST_NAMES = [
  'Oliver', 'Amelia', 'Jack', 'Olivia', 'Harry', 'Isla', 'George', 'Emily', 'Noah', 'Sophie', 'Charlie', 'Grace',
  'Thomas', 'Lily', 'James', 'Chloe', 'William', 'Jessica', 'Mohammed', 'Aisha', 'Daniel', 'Hannah', 'Joshua', 'Megan',
  'Ryan', 'Zara', 'Liam', 'Priya', 'Connor', 'Fatima', 'Callum', 'Bethany', 'Rhys', 'Niamh', 'Adam', 'Ellie',
  'Samuel', 'Leah', 'David', 'Margaret', 'Susan', 'Peter', 'Patricia', 'Brian', 'Janet', 'Kevin', 'Carol', 'Ian',
  'Ahmed', 'Bronwen', 'Ciaran', 'Deborah', 'Eilidh', 'Francesca', 'Gareth', 'Harpreet', 'Imran', 'Joanna', 'Kwame', 'Lucy',
  'Malcolm', 'Nadia', 'Owen', 'Paula', 'Rashid', 'Sandra', 'Trevor', 'Una', 'Victor', 'Wendy', 'Yusuf', 'Zoe',
] as const;
export const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Thomas', 'Clarke', 'Jackson', 'Wood',
  'Harris', 'Edwards', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Hughes', 'Moore', 'King', 'Harrison', 'Lewis',
  'Baker', 'Lee', 'Allen', 'Morris', 'Khan', 'Ahmed', 'Ali', 'Begum', 'Murphy', "O'Brien", 'Kaur', 'Singh', 'Chen', 'Nowak',
  'Adeyemi', 'Bell', 'Chapman', 'Dixon', 'Ellis', 'Fraser', 'Gibson', 'Hussain', 'Iqbal', 'Jenkins', 'Kelly', 'Lloyd',
  'Mason', 'Nicholson', 'Owusu', 'Palmer', 'Quinn', 'Reid', 'Shaw', 'Tran', 'Usman', 'Vaughan', 'Webb', 'Young',
] as const;

/** Fictional councils when no real ones are loaded: codes shaped like ONS codes, in a range no real body uses. */
const FICTIONAL_COUNCILS = 300;
const FICTIONAL_CARE_PROVIDERS = 40;
const COUNCIL_TYPES = ['district', 'district', 'district', 'unitary', 'metropolitan', 'london-borough', 'county'] as const;
const REGIONS = ['North East', 'North West', 'Yorkshire and The Humber', 'East Midlands', 'West Midlands', 'East of England', 'London', 'South East', 'South West'];

/** How many of each kind of caseworker a history of `cases` cases calls for (never fewer than the demo accounts give). */
export function staffCounts(cases: number) {
  return {
    intake: Math.max(2, Math.ceil(cases / 50_000)),
    assessor: Math.max(3, Math.ceil(cases / 20_000)),
    investigator: Math.max(6, Math.ceil(cases / 4_000)),
    joint: Math.max(2, Math.ceil(cases / 40_000)),
    manager: Math.max(2, Math.ceil(cases / 50_000)),
  };
}

export interface BenchPools {
  /** Council ids repeated in proportion to their populations, for drawing the body of a complaint. */
  councils: number[];
  /** The same for councils that run social care and education (not districts). */
  careCouncils: number[];
  careProviders: number[];
  intake: number[];
  assessors: number[];
  investigators: number[];
  jointInvestigators: number[];
  managers: number[];
  /** Where the councils came from. */
  bodiesSource: 'database' | 'reference' | 'fictional';
}

export interface ReferenceDataOptions {
  cases: number;
  /** A folder holding uk_local_authorities_current.csv, used when the database has no councils. */
  referenceDir?: string | undefined;
  log?: (message: string) => void;
}

export async function ensureReferenceData(db: Kysely<Database>, options: ReferenceDataOptions): Promise<BenchPools> {
  const say = options.log ?? (() => undefined);
  const bodiesSource = await ensureCouncils(db, options.referenceDir, say);
  await upsertBodies(db, fictionalCareProviders());
  await ensureStaff(db, options.cases);
  await ensureLinkOfficers(db);

  const bodies = await db.selectFrom('bodies').select(['id', 'code', 'kind', 'council_type', 'population']).orderBy('code').execute();
  const councils = bodies.filter((b) => b.kind === 'council');
  const staff = await db.selectFrom('staff_users').select(['id', 'email', 'roles', 'team']).where('active', '=', true).orderBy('email').execute();
  const withRole = (role: string, team?: string) => staff.filter((s) => s.roles.includes(role) && (team === undefined || s.team === team)).map((s) => s.id);
  return {
    councils: byPopulation(councils),
    careCouncils: byPopulation(councils.filter((b) => b.council_type !== 'district')),
    careProviders: bodies.filter((b) => b.kind === 'care-provider').map((b) => b.id),
    intake: withRole('intake'),
    assessors: withRole('assessor'),
    investigators: withRole('investigator', 'investigation'),
    jointInvestigators: withRole('investigator', 'joint'),
    managers: withRole('team-manager'),
    bodiesSource,
  };
}

/** Ids repeated so that drawing one uniformly draws a body in proportion to its population (about 2,000 entries). */
function byPopulation(bodies: readonly { id: number; population: number | null }[]): number[] {
  if (bodies.length === 0) return [];
  const known = bodies.flatMap((b) => (b.population && b.population > 0 ? [b.population] : [])).sort((a, b) => a - b);
  const typical = known[Math.floor(known.length / 2)] ?? 150_000;
  const weights = bodies.map((b) => (b.population && b.population > 0 ? b.population : typical));
  const total = weights.reduce((a, b) => a + b, 0);
  return bodies.flatMap((b, k) => Array.from({ length: Math.max(1, Math.round(((weights[k] ?? 0) / total) * 2_000)) }, () => b.id));
}

async function ensureCouncils(db: Kysely<Database>, referenceDir: string | undefined, say: (m: string) => void): Promise<BenchPools['bodiesSource']> {
  const present = await db.selectFrom('bodies').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'council').executeTakeFirstOrThrow();
  if (Number(present.n) > 0) return 'database';
  if (referenceDir) {
    try {
      const quiet = { info: () => undefined, warn: () => undefined };
      const result = await importBodies({ db, referenceDir, log: quiet, fetchImpl: () => Promise.reject(new Error('offline')) });
      say(`loaded ${result.councils} councils from ${result.source}`);
      return 'reference';
    } catch (error) {
      if (!(error instanceof BodiesSourceError)) throw error;
      say(`no council list in ${referenceDir}: using ${FICTIONAL_COUNCILS} fictional councils`);
    }
  }
  await upsertBodies(db, fictionalCouncils());
  return 'fictional';
}

/** Clearly fictional councils of every type, a few large and many small (a deterministic spread of populations). */
export function fictionalCouncils(): NewBody[] {
  return Array.from({ length: FICTIONAL_COUNCILS }, (_, k) => {
    const n = k + 1;
    const type = COUNCIL_TYPES[k % COUNCIL_TYPES.length] as string;
    const population = type === 'county' ? 500_000 + ((n * 7_919) % 700_000) : type === 'district' ? 60_000 + ((n * 3_571) % 90_000) : 150_000 + ((n * 6_007) % 350_000);
    return {
      code: `X98${String(n).padStart(6, '0')}`, name: `Bench ${type === 'london-borough' ? 'London Borough' : 'Council'} ${String(n).padStart(3, '0')}`,
      kind: 'council' as const, council_type: type, region: type === 'london-borough' ? 'London' : (REGIONS[k % REGIONS.length] as string),
      county_code: null, combined_authority: null, population, fictional: true,
    };
  });
}

function fictionalCareProviders(): NewBody[] {
  return Array.from({ length: FICTIONAL_CARE_PROVIDERS }, (_, k) => ({
    code: `X97${String(k + 1).padStart(6, '0')}`, name: `Bench Care Services ${String(k + 1).padStart(3, '0')} Ltd`, kind: 'care-provider' as const,
    council_type: null, region: null, county_code: null, combined_authority: null, population: null, fictional: true,
  }));
}

const name = (k: number) => `${FIRST_NAMES[(k * 7) % FIRST_NAMES.length]} ${LAST_NAMES[(k * 11) % LAST_NAMES.length]}`;

/** The demo accounts (which sign in with DEMO_PASSWORD), then bench caseworkers sharing that password's hash. */
async function ensureStaff(db: Kysely<Database>, cases: number): Promise<void> {
  await seedDemoData({ db, calendar: defaultCalendar(), now: new Date(), cases: 0, log: { info: () => undefined } });
  const demo = await db.selectFrom('staff_users').select('password_hash').where('email', '=', demoStaff[0]?.email ?? '').executeTakeFirstOrThrow();
  const counts = staffCounts(cases);
  const rows: { email: string; display_name: string; password_hash: string; roles: string[]; team: string | null }[] = [];
  const add = (kind: string, count: number, roles: string[], team: string | null) => {
    for (let k = 1; k <= count; k++) {
      rows.push({ email: `bench-${kind}-${String(k).padStart(4, '0')}@redress.example`, display_name: name(rows.length + 3), password_hash: demo.password_hash, roles, team });
    }
  };
  add('intake', counts.intake, ['intake'], null);
  add('assessor', counts.assessor, ['assessor'], 'assessment');
  add('investigator', counts.investigator, ['investigator'], 'investigation');
  add('joint-investigator', counts.joint, ['investigator'], 'joint');
  add('team-manager', counts.manager, ['team-manager'], 'investigation');
  for (let start = 0; start < rows.length; start += 500) {
    await db.insertInto('staff_users').values(rows.slice(start, start + 500)).onConflict((oc) => oc.column('email').doNothing()).execute();
  }
}

/** One named link officer for every body, who would receive our enquiries and confirm compliance. */
async function ensureLinkOfficers(db: Kysely<Database>): Promise<void> {
  await sql`insert into link_officers (body_id, email, full_name)
    select b.id, 'link.officer@' || lower(b.code) || '.bench.example',
           (array[${sql.raw(FIRST_NAMES.map((f) => `'${f.replace(/'/g, "''")}'`).join(', '))}])[1 + b.id % ${sql.lit(FIRST_NAMES.length)}] || ' ' ||
           (array[${sql.raw(LAST_NAMES.map((l) => `'${l.replace(/'/g, "''")}'`).join(', '))}])[1 + (b.id * 7) % ${sql.lit(LAST_NAMES.length)}]
      from bodies b
     where not exists (select 1 from link_officers l where l.body_id = b.id)
     order by b.id`.execute(db);
}
