import type { Kysely } from 'kysely';
import type { Database } from '../data/schema.ts';
import { upsertBodies, type NewBody } from '../data/repositories/bodies.ts';
import {
  bulkInsertCaseBodies,
  bulkInsertCaseEvents,
  bulkInsertCases,
  bulkInsertClockStops,
  bulkInsertContacts,
  bulkInsertDecisions,
  bulkInsertEnquiries,
  bulkInsertJointWorking,
  bulkInsertPeople,
  bulkInsertRemedies,
  raiseReferenceSequences,
  type NewCaseEventRow,
  type NewPersonRow,
} from '../data/repositories/bulk-insert.ts';
import { findStaffUserByEmail } from '../data/repositories/staff-users.ts';
import type { CaseEventKind } from '../domain/case-events.ts';
import type { Stage } from '../domain/case-lifecycle.ts';
import { categories } from '../domain/categories.ts';
import { assessmentDeadline, workingDaysStopped, type ClockStopPeriod } from '../domain/deadlines.ts';
import { addCalendarDays, dayOfWeek, londonDate, londonDateTime, type IsoDate } from '../domain/london-time.ts';
import { formatReference } from '../domain/references.ts';
import type { Channel, ClosingReason, Jurisdiction, Outcome, RemedyKind, Role, Team } from '../domain/vocabulary.ts';
import type { WorkingDayCalendar } from '../domain/working-days.ts';
import { createStaffUser } from './staff-accounts.ts';
import { upsertCalls, type HistoricCall } from './imports/history-imports.ts';

/**
 * Demonstration data for a new, empty installation: staff accounts for every role and a year of
 * invented but realistic casework, every case with a consistent timeline, so that queues,
 * case pages and the service-standard figures have something to show.
 *
 * Everything is fictional: names come from short lists, email addresses are at example.com,
 * phone numbers are in Ofcom's range reserved for drama (07700 900xxx).
 */

/**
 * The one password of every demo account. For demonstrations only: never seed demo accounts
 * into a production installation.
 */
export const DEMO_PASSWORD = 'redress-demo-password';

export interface DemoStaffMember {
  email: string;
  displayName: string;
  roles: Role[];
  team: Team | null;
}

/** The demo staff accounts, at least one per role; all sign in with DEMO_PASSWORD. */
export const demoStaff: readonly DemoStaffMember[] = [
  { email: 'intake@redress.example', displayName: 'Priya Shah', roles: ['intake'], team: null },
  { email: 'intake2@redress.example', displayName: 'Daniel Hughes', roles: ['intake'], team: null },
  { email: 'assessor@redress.example', displayName: 'Fiona MacLeod', roles: ['assessor'], team: 'assessment' },
  { email: 'assessor2@redress.example', displayName: 'Marcus Bennett', roles: ['assessor'], team: 'assessment' },
  { email: 'investigator@redress.example', displayName: 'Hannah Clarke', roles: ['investigator'], team: 'investigation' },
  { email: 'investigator2@redress.example', displayName: 'Omar Farouk', roles: ['investigator'], team: 'investigation' },
  { email: 'investigator3@redress.example', displayName: 'Siân Evans', roles: ['investigator'], team: 'investigation' },
  { email: 'joint-investigator@redress.example', displayName: 'Rebecca Lowe', roles: ['investigator'], team: 'joint' },
  { email: 'team-manager@redress.example', displayName: 'Graham Whitfield', roles: ['team-manager'], team: 'investigation' },
  { email: 'ombudsman@redress.example', displayName: 'Dr Alison Reid', roles: ['ombudsman'], team: null },
  { email: 'admin@redress.example', displayName: 'Sam Okoro', roles: ['admin'], team: null },
];

export interface SeedLog {
  info(facts: object, message: string): void;
}

export interface SeedDemoOptions {
  db: Kysely<Database>;
  calendar: WorkingDayCalendar;
  /** Cases are received over the 12 months before this instant; nothing happens after it. */
  now: Date;
  /** How many cases to create; 2,000 when not given. */
  cases?: number;
  log: SeedLog;
  /** Numbers in [0, 1); a mulberry32 generator seeded with 2017 when not given, so the data is the same every time. */
  random?: () => number;
  /** Create cases only when the database has none yet (what a first start wants); staff accounts are ensured either way. */
  onlyIfEmpty?: boolean;
}

export interface SeedDemoResult {
  /** Staff accounts created (existing ones are left alone). */
  staff: number;
  /** Cases created. */
  cases: number;
}

export const DEFAULT_DEMO_CASES = 2_000;
export const DEFAULT_DEMO_SEED = 2017;
const BATCH_SIZE = 500;

/** A small, fast, seeded generator of numbers in [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Creates the demo staff (skipping accounts that already exist) and `cases` demo cases with
 * their people, contacts, bodies, enquiries, decisions, remedies, clock stops, joint working and
 * timelines. The bodies table must already hold councils. Reference sequences continue from
 * any already used and end at the highest reference created, so new registrations follow on.
 */
export async function seedDemoData(options: SeedDemoOptions): Promise<SeedDemoResult> {
  const { db, calendar, now, log } = options;
  const total = Math.max(0, Math.trunc(options.cases ?? DEFAULT_DEMO_CASES));
  const random = options.random ?? mulberry32(DEFAULT_DEMO_SEED);
  if (Number.isNaN(now.getTime())) throw new RangeError('seedDemoData needs a valid `now`');

  const hasCases = options.onlyIfEmpty ? (await db.selectFrom('cases').select('id').limit(1).executeTakeFirst()) !== undefined : false;
  if (hasCases) log.info({}, 'demo cases not seeded: the database already has cases');
  // Checked before anything is written: no councils, no cases.
  const bodies = total > 0 && !hasCases ? await loadBodies(db) : undefined;
  const createdStaff = await ensureDemoStaff(db);
  if (!bodies) return { staff: createdStaff, cases: 0 };

  const staff = await loadDemoStaff(db);
  const sequences = await db.selectFrom('reference_sequences').select(['year', 'last_value']).execute();
  const lastUsed = new Map(sequences.map((s) => [s.year, s.last_value]));

  const generator = new CaseGenerator(random, calendar, now, staff, bodies);
  const plans = generator.generate(total, lastUsed);

  // Its own generator, so the calls never change which cases a seed produces.
  const calls = demoCalls(mulberry32(DEFAULT_DEMO_SEED + 1), calendar, now, total * 3);
  await upsertCalls(db, calls);
  log.info({ calls: calls.length }, 'seeded demo telephony feed');

  let done = 0;
  for (let start = 0; start < plans.length; start += BATCH_SIZE) {
    const batch = plans.slice(start, start + BATCH_SIZE);
    await db.transaction().execute((trx) => insertBatch(trx, batch));
    done += batch.length;
    log.info({ done, total }, 'seeding demo cases');
  }
  return { staff: createdStaff, cases: plans.length };
}

/**
 * A year of calls to the intake team for the telephony standards: presented in working hours on
 * working days; about 98% answered, most within a minute, a few after a long wait.
 */
export function demoCalls(random: () => number, calendar: WorkingDayCalendar, now: Date, count: number): HistoricCall[] {
  const calls: HistoricCall[] = [];
  const today = londonDate(now);
  for (let i = 0; i < count; i++) {
    let day = addCalendarDays(today, -1 - Math.floor(random() * 365));
    while (!calendar.isWorkingDay(day)) day = addCalendarDays(day, -1);
    const minute = 9 * 60 + Math.floor(random() * 8 * 60);
    const presentedAt = londonDateTime(day, `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`);
    const roll = random();
    const waitSeconds = roll < 0.02 ? null : roll < 0.94 ? Math.floor(random() * 45) : 60 + Math.floor(random() * 240);
    calls.push({ callId: `DEMO-${String(i + 1).padStart(7, '0')}`, presentedAt, answeredAt: waitSeconds === null ? null : new Date(presentedAt.getTime() + waitSeconds * 1000) });
  }
  return calls;
}

// ---------------------------------------------------------------------------------------------
// Staff and bodies

async function ensureDemoStaff(db: Kysely<Database>): Promise<number> {
  let created = 0;
  for (const member of demoStaff) {
    if (await findStaffUserByEmail(db, member.email)) continue;
    await createStaffUser({ db }, null, {
      email: member.email,
      displayName: member.displayName,
      password: DEMO_PASSWORD,
      roles: member.roles,
      team: member.team,
    });
    created++;
  }
  return created;
}

interface StaffMember {
  id: number;
  name: string;
}

interface StaffPools {
  intake: StaffMember[];
  assessors: StaffMember[];
  investigators: StaffMember[];
  jointInvestigators: StaffMember[];
  managers: StaffMember[];
}

/** The active demo accounts by role, in the order of `demoStaff` (never of ids), so the data does not depend on them. */
async function loadDemoStaff(db: Kysely<Database>): Promise<StaffPools> {
  const rows = await db
    .selectFrom('staff_users')
    .select(['id', 'email', 'display_name', 'roles', 'team', 'active'])
    .where('email', 'in', demoStaff.map((m) => m.email))
    .execute();
  const byEmail = new Map(rows.map((row) => [row.email.toLowerCase(), row]));
  const ordered = demoStaff.flatMap((m) => {
    const row = byEmail.get(m.email);
    return row?.active ? [row] : [];
  });
  const withRole = (role: Role, team?: string) =>
    ordered.filter((u) => u.roles.includes(role) && (team === undefined || u.team === team)).map((u) => ({ id: u.id, name: u.display_name }));
  const pools: StaffPools = {
    intake: withRole('intake'),
    assessors: withRole('assessor'),
    investigators: withRole('investigator', 'investigation'),
    jointInvestigators: withRole('investigator', 'joint'),
    managers: withRole('team-manager'),
  };
  if (pools.investigators.length === 0) pools.investigators = withRole('investigator');
  if (pools.jointInvestigators.length === 0) pools.jointInvestigators = pools.investigators;
  for (const [pool, members] of Object.entries(pools)) {
    if (members.length === 0) throw new Error(`The demo staff accounts include no active ${pool}: cannot seed demo cases`);
  }
  return pools;
}

interface SeedBody {
  id: number;
  name: string;
  councilType: string | null;
  weight: number;
}

interface SeedBodies {
  councils: SeedBody[];
  careProviders: SeedBody[];
}

/** Invented care providers, added when the bodies table has none, for privately funded care complaints. */
export function demoCareProviders(): NewBody[] {
  const provider = (n: number, name: string): NewBody => ({
    code: `X99CP${String(n).padStart(4, '0')}`, name, kind: 'care-provider', council_type: null, region: null,
    county_code: null, combined_authority: null, population: null, fictional: true,
  });
  return [
    provider(1, 'Meadowbank Care Homes Ltd'),
    provider(2, 'Oakridge Home Care Services'),
    provider(3, 'Willow Lodge Nursing Home'),
    provider(4, 'Brightwater Domiciliary Care'),
    provider(5, 'Harbour View Residential Care'),
  ];
}

async function loadBodies(db: Kysely<Database>): Promise<SeedBodies> {
  const read = () =>
    db.selectFrom('bodies').select(['id', 'name', 'kind', 'council_type', 'population']).where('kind', 'in', ['council', 'care-provider']).orderBy('code').execute();
  let rows = await read();
  if (!rows.some((b) => b.kind === 'council')) {
    throw new Error('There are no councils in the bodies table: import the bodies in jurisdiction before seeding demo cases');
  }
  if (!rows.some((b) => b.kind === 'care-provider')) {
    await upsertBodies(db, demoCareProviders());
    rows = await read();
  }
  const populations = rows.flatMap((b) => (b.kind === 'council' && b.population && b.population > 0 ? [b.population] : [])).sort((a, b) => a - b);
  const typical = populations[Math.floor(populations.length / 2)] ?? 150_000;
  const toSeed = (b: (typeof rows)[number]): SeedBody => ({
    id: b.id, name: b.name, councilType: b.council_type, weight: b.population && b.population > 0 ? b.population : typical,
  });
  return {
    councils: rows.filter((b) => b.kind === 'council').map(toSeed),
    careProviders: rows.filter((b) => b.kind === 'care-provider').map((b) => ({ ...toSeed(b), weight: 1 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary of the invented data

const FIRST_NAMES = [
  'Oliver', 'Amelia', 'Jack', 'Olivia', 'Harry', 'Isla', 'George', 'Emily', 'Noah', 'Sophie', 'Charlie', 'Grace',
  'Thomas', 'Lily', 'James', 'Chloe', 'William', 'Jessica', 'Mohammed', 'Aisha', 'Daniel', 'Hannah', 'Joshua', 'Megan',
  'Ryan', 'Zara', 'Liam', 'Priya', 'Connor', 'Fatima', 'Callum', 'Bethany', 'Rhys', 'Niamh', 'Adam', 'Ellie',
  'Samuel', 'Leah', 'David', 'Margaret', 'Susan', 'Peter', 'Patricia', 'Brian', 'Janet', 'Kevin', 'Carol', 'Ian',
] as const;
const LAST_NAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Thomas', 'Clarke', 'Jackson', 'Wood',
  'Harris', 'Edwards', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Hughes', 'Moore', 'King', 'Harrison', 'Lewis',
  'Baker', 'Lee', 'Allen', 'Morris', 'Khan', 'Ahmed', 'Ali', 'Begum', 'Murphy', "O'Brien", 'Kaur', 'Singh', 'Chen', 'Nowak',
] as const;
const STREETS = ['Church', 'Station', 'Mill', 'Victoria', 'Park', 'High', 'Queen’s', 'King’s', 'Meadow', 'Orchard', 'Chapel', 'Manor'] as const;
const STREET_KINDS = ['Road', 'Street', 'Lane', 'Close', 'Avenue', 'Way', 'Gardens'] as const;
const TOWNS = ['Sampleton', 'Mockford', 'Testbury', 'Exampleton', 'Placeholder Green', 'Illustration Vale'] as const;

/** What the body did wrong, in the demo's and the benchmark's fictional complaints. */
export const ISSUES = [
  'it delayed dealing with the matter for months',
  'it did not reply to letters and emails',
  'it did not follow its own policy',
  'it gave wrong advice and the complainant lost out as a result',
  'it made its decision without considering the evidence sent',
  'it did not keep proper records of what was agreed',
  'it has not put right a mistake it admitted',
  'it did not consider the complainant’s disability',
  'its complaint responses did not answer the points raised',
] as const;

const NOTES = [
  'Called the complainant to clarify what they want to achieve.',
  'Complainant sent further documents by email; added to the file.',
  'Complainant called asking for an update; explained the next steps.',
  'Spoke to the council’s complaints officer, who will send the case records.',
  'Checked the council’s published policy on this.',
  'Complainant’s MP has written asking about progress; replied.',
] as const;

const ASSESSMENT_QUESTIONS = [
  'Please send a copy of your final response to the complainant and any records of the complaint.',
  'Please confirm the date of your decision and whether the complainant was told of any right of appeal.',
] as const;
const INVESTIGATION_QUESTIONS = [
  'Please send the case records, your policy and a chronology of events, and answer the questions attached.',
  'Please explain why the decision took as long as it did and send any notes of the meetings held.',
  'Please send copies of the assessments, care plans and correspondence with the complainant.',
] as const;
const RESPONSES = [
  'The council sent its records and a chronology, and answered our questions.',
  'The body sent a partial response; further documents to follow.',
  'The council’s response with supporting documents was received by email.',
] as const;

const STOP_REASONS = [
  'Waiting for the complainant’s consent to share information with the body',
  'The complainant is in hospital and asked us to pause the complaint',
  'Waiting for information the complainant has promised to send',
  'Waiting for the outcome of a related tribunal hearing',
] as const;

const CLOSING_REASONS: readonly [ClosingReason, number][] = [
  ['not-enough-injustice', 0.24],
  ['no-worthwhile-outcome', 0.22],
  ['out-of-jurisdiction', 0.14],
  ['late-complaint', 0.1],
  ['court-or-tribunal-remedy', 0.1],
  ['body-remedied', 0.1],
  ['withdrawn', 0.06],
  ['other', 0.04],
];
const CLOSING_EXPLANATIONS: Record<ClosingReason, string> = {
  'out-of-jurisdiction': 'We cannot investigate this complaint because the law does not allow us to look at it.',
  'no-worthwhile-outcome': 'We will not investigate because an investigation is unlikely to achieve anything more for the complainant.',
  'not-enough-injustice': 'We will not investigate because any fault has not caused the complainant enough injustice to warrant our involvement.',
  'late-complaint': 'We will not investigate because the complaint was made more than 12 months after the complainant knew of the matter, and there is no good reason for the delay.',
  'court-or-tribunal-remedy': 'We will not investigate because the complainant could have appealed to a tribunal, and it was reasonable to expect them to do so.',
  'body-remedied': 'We will not investigate because the body has already offered a suitable remedy.',
  withdrawn: 'The complainant asked us to close the complaint.',
  other: 'We will not investigate this complaint, for the reasons explained in our decision statement.',
};
const REFERRED_BACK = 'The body has not yet had the chance to deal with this complaint through its own complaints procedure. We have referred it back; the complainant can return to us if they remain unhappy.';

const INVESTIGATION_OUTCOMES: readonly [Outcome, number][] = [
  ['upheld-fault-injustice', 0.47],
  ['upheld-remedied-by-body', 0.06],
  ['upheld-fault-no-injustice', 0.04],
  ['not-upheld', 0.43],
];
const DECISION_REASONS: Partial<Record<Outcome, string>> = {
  'upheld-fault-injustice': 'There was fault by the body which caused the complainant injustice. The body should take the action set out to remedy it.',
  'upheld-remedied-by-body': 'There was fault by the body, but it has already taken suitable action to remedy the injustice caused.',
  'upheld-fault-no-injustice': 'There was fault by the body, but it did not change the outcome for the complainant.',
  'not-upheld': 'We have found no fault in the way the body dealt with the matter.',
};

const PAYMENTS_POUNDS: readonly [number, number][] = [
  [100, 0.12], [150, 0.12], [200, 0.12], [250, 0.1], [300, 0.1], [350, 0.06], [400, 0.06], [500, 0.1],
  [600, 0.04], [750, 0.05], [1000, 0.06], [1200, 0.02], [1500, 0.03], [2000, 0.02],
];
const REMEDY_TEXT: Record<RemedyKind, string> = {
  apology: 'Apologise in writing to the complainant for the faults identified.',
  'financial-payment': 'Pay the complainant for the distress and uncertainty caused.',
  'service-improvement': 'Review how it handles cases like this and tell us what it has changed.',
  'procedure-review': 'Review its procedure to prevent the fault happening again and send us the revised procedure.',
  training: 'Remind relevant staff of the law and guidance, and provide training where needed.',
  other: 'Take the further action set out in the final decision.',
};
const EVIDENCE = {
  complied: 'The body sent evidence that it has carried out the remedy.',
  late: 'The body carried out the remedy after the agreed date; evidence received.',
  not: 'The body has not provided evidence that it carried out the remedy despite reminders.',
} as const;

const LOCAL_GOVERNMENT_CATEGORIES: readonly [string, number][] = [
  ['Education and children’s services', 0.21],
  ['Planning and development', 0.15],
  ['Housing', 0.14],
  ['Highways and transport', 0.12],
  ['Environmental services and public protection', 0.12],
  ['Benefits and tax', 0.11],
  ['Corporate and other services', 0.09],
];
const ADULT_CARE = 'Adult care services';
const PRIVATE_CARE_SUBCATEGORIES: readonly [string, number][] = [
  ['Residential care', 0.5],
  ['Domiciliary care', 0.3],
  ['Charging', 0.2],
];

/** District councils run neither social care nor education; counties run neither housing nor benefits. */
function providesService(councilType: string | null, category: string): boolean {
  if (councilType === 'district') return category !== ADULT_CARE && category !== 'Education and children’s services';
  if (councilType === 'county') return category !== 'Housing' && category !== 'Benefits and tax';
  return true;
}

// ---------------------------------------------------------------------------------------------
// Plans: what one case looks like at `now`, ready to insert

interface PlannedEnquiry {
  id?: number;
  sentAt: Date;
  dueOn: IsoDate;
  respondedAt: Date | null;
  question: string;
  response: string | null;
}

interface PlannedDecision {
  id?: number;
  kind: 'draft' | 'final';
  outcome: string;
  madeBy: number;
  madeAt: Date;
  commentsDueOn: IsoDate | null;
  reasons: string;
}

interface PlannedRemedy {
  id?: number;
  kind: RemedyKind;
  amountPence: number | null;
  dueOn: IsoDate;
  status: string;
  settledOn: IsoDate | null;
  recordedAt: Date | null;
  description: string;
  evidence: string | null;
}

interface PlannedStop {
  stoppedAt: Date;
  restartedAt: Date | null;
  workingDaysStopped: number | null;
  reason: string;
}

interface PlannedEvent {
  at: Date;
  kind: CaseEventKind;
  actorId: number;
  /** Evaluated after the rows are inserted, so facts can name their ids. */
  facts: () => Record<string, unknown>;
  detail: string | null;
}

interface CasePlan {
  id?: number;
  reference: string;
  year: number;
  sequence: number;
  channel: Channel;
  receivedAt: Date;
  registeredAt: Date;
  intakeId: number;
  /** The assessor who deals with the case in assessment. */
  assessorId: number;
  complainant: NewPersonRow;
  representative: NewPersonRow | null;
  bodyId: number;
  category: string;
  subcategory: string;
  jurisdiction: Jurisdiction;
  summary: string;
  stage: Stage;
  team: Team;
  joint: boolean;
  ownerId: number | null;
  assessmentDueOn: IsoDate | null;
  assessmentDecidedAt: Date | null;
  allocatedAt: Date | null;
  draftSharedAt: Date | null;
  decidedAt: Date | null;
  closedAt: Date | null;
  outcome: string | null;
  closingReason: string | null;
  clockStoppedAt: Date | null;
  clockStopReason: string | null;
  enquiries: PlannedEnquiry[];
  decisions: PlannedDecision[];
  /** Remedies of the final decision (the last decision). */
  remedies: PlannedRemedy[];
  stops: PlannedStop[];
  jointWorking: { consentAt: Date; startedAt: Date } | null;
  events: PlannedEvent[];
}

/** Object.assign, with the patch checked against the plan's fields. */
function update(plan: CasePlan, patch: Partial<CasePlan>): void {
  Object.assign(plan, patch);
}

function idOf(row: { id?: number }): number {
  if (row.id === undefined) throw new Error('A demo row was referred to before it was inserted');
  return row.id;
}

// ---------------------------------------------------------------------------------------------
// The generator

/** Minutes after midnight, London time. */
const OFFICE_OPENS = 8 * 60 + 30;
const OFFICE_CLOSES = 17 * 60 + 30;

class CaseGenerator {
  private readonly nowMs: number;
  private readonly today: IsoDate;
  private readonly councilsFor = new Map<string, () => SeedBody>();
  private readonly anyCouncil: () => SeedBody;
  private readonly anyCareProvider: () => SeedBody;

  constructor(
    private readonly random: () => number,
    private readonly calendar: WorkingDayCalendar,
    private readonly now: Date,
    private readonly staff: StaffPools,
    bodies: SeedBodies,
  ) {
    this.nowMs = now.getTime();
    this.today = londonDate(now);
    this.anyCouncil = this.sampler(bodies.councils.map((b) => [b, b.weight]));
    this.anyCareProvider = this.sampler(bodies.careProviders.map((b) => [b, b.weight]));
    for (const category of Object.keys(categories)) {
      const eligible = bodies.councils.filter((b) => providesService(b.councilType, category));
      if (eligible.length > 0) this.councilsFor.set(category, this.sampler(eligible.map((b) => [b, b.weight])));
    }
  }

  generate(count: number, lastUsed: Map<number, number>): CasePlan[] {
    const receipts = this.receipts(count);
    const next = new Map(lastUsed);
    return receipts.map(({ receivedAt, channel }) => {
      const year = Number(londonDate(receivedAt).slice(0, 4));
      const sequence = (next.get(year) ?? 0) + 1;
      next.set(year, sequence);
      return this.planCase(formatReference(year, sequence), year, sequence, receivedAt, channel);
    });
  }

  // -- random helpers ---------------------------------------------------------------------------

  private chance(p: number): boolean {
    return this.random() < p;
  }

  /** A whole number from min to max, both included. */
  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.random() * items.length)];
    if (item === undefined) throw new Error('Nothing to pick from');
    return item;
  }

  private weighted<T>(entries: readonly (readonly [T, number])[]): T {
    return this.sampler(entries)();
  }

  private sampler<T>(entries: readonly (readonly [T, number])[]): () => T {
    const cumulative: number[] = [];
    let sum = 0;
    for (const [, weight] of entries) cumulative.push((sum += weight));
    return () => {
      const target = this.random() * sum;
      let low = 0;
      let high = cumulative.length - 1;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((cumulative[mid] as number) > target) high = mid;
        else low = mid + 1;
      }
      const entry = entries[low];
      if (!entry) throw new Error('Nothing to pick from');
      return entry[0];
    };
  }

  /** Log-normal, as durations of casework tend to be: half below `median`, with a long tail. */
  private lognormal(median: number, sigma: number): number {
    const u = 1 - this.random();
    const v = this.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }

  private workingDays(median: number, sigma: number, min = 1): number {
    return Math.max(min, Math.round(this.lognormal(median, sigma)));
  }

  // -- time helpers -----------------------------------------------------------------------------

  private happened(at: Date | null | undefined): at is Date {
    return at !== null && at !== undefined && at.getTime() <= this.nowMs;
  }

  private at(date: IsoDate, minuteOfDay: number): Date {
    const minutes = Math.min(Math.max(Math.round(minuteOfDay), 0), 24 * 60 - 1);
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return londonDateTime(date, `${hh}:${mm}`);
  }

  /** A time between 9am and 5pm on that date. */
  private officeTime(date: IsoDate): Date {
    return this.at(date, this.int(9 * 60, 17 * 60 - 1));
  }

  /** `minutes` of office time (working days, 8:30am to 5:30pm) after an instant. */
  private addOfficeMinutes(from: Date, minutes: number): Date {
    let cursor = from;
    let remainingMs = minutes * 60_000;
    for (let guard = 0; guard < 1_000; guard++) {
      const date = londonDate(cursor);
      if (this.calendar.isWorkingDay(date)) {
        const opens = this.at(date, OFFICE_OPENS).getTime();
        const closes = this.at(date, OFFICE_CLOSES).getTime();
        const start = Math.max(cursor.getTime(), opens);
        if (start < closes) {
          if (start + remainingMs <= closes) return new Date(start + remainingMs);
          remainingMs -= closes - start;
        }
      }
      cursor = this.at(this.calendar.nextWorkingDay(date), 0);
    }
    throw new Error('Office time ran on for too long');
  }

  /** An office-hours moment `workingDays` working days after an instant's date; 0 means later the same working day. */
  private after(from: Date, workingDays: number): Date {
    if (workingDays <= 0) return this.addOfficeMinutes(from, this.int(20, 240));
    return this.officeTime(this.calendar.addWorkingDays(londonDate(from), workingDays));
  }

  private latest(...dates: Date[]): Date {
    return dates.reduce((a, b) => (b.getTime() > a.getTime() ? b : a));
  }

  // -- receipts ---------------------------------------------------------------------------------

  /** When complaints arrived over the last year: weekdays mostly, office hours mostly, more lately. */
  private receipts(count: number): { receivedAt: Date; channel: Channel }[] {
    const days: [IsoDate, number][] = [];
    for (let ago = 365; ago >= 1; ago--) {
      const date = addCalendarDays(this.today, -ago);
      const weekday = dayOfWeek(date);
      const weekend = weekday === 0 || weekday === 6;
      let weight = this.calendar.isWorkingDay(date) ? 1 : weekend ? 0.08 : 0.12;
      // The recent bulge: up to 45% more over the last eight weeks, and a slow rise over the year.
      weight *= 1 + 0.45 * Math.max(0, 1 - ago / 56);
      weight *= 1 + 0.1 * (1 - ago / 365);
      const monthDay = date.slice(5);
      if (monthDay >= '12-22' || monthDay <= '01-02') weight *= 0.55;
      else if (monthDay.startsWith('08-')) weight *= 0.85;
      days.push([date, weight]);
    }
    const day = this.sampler(days);
    const receipts = Array.from({ length: count }, () => {
      const date = day();
      const working = this.calendar.isWorkingDay(date);
      const channel: Channel = working
        ? this.weighted<Channel>([['web', 0.38], ['phone', 0.3], ['email', 0.24], ['letter', 0.08]])
        : this.weighted<Channel>([['web', 0.65], ['email', 0.35]]);
      let minute: number;
      if (channel === 'phone') minute = this.int(9 * 60, 17 * 60 - 1);
      else if (channel === 'letter') minute = this.int(9 * 60, 11 * 60 + 30);
      else if (!working) minute = this.int(8 * 60, 22 * 60);
      else {
        const r = this.random();
        minute = r < 0.75 ? this.int(8 * 60, 18 * 60 - 1) : r < 0.95 ? this.int(18 * 60, 23 * 60 + 30) : this.int(6 * 60 + 30, 8 * 60 - 1);
      }
      return { receivedAt: this.at(date, minute), channel };
    });
    return receipts.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime());
  }

  // -- one case ---------------------------------------------------------------------------------

  private person(): NewPersonRow {
    const first = this.pick(FIRST_NAMES);
    const last = this.pick(LAST_NAMES);
    const local = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');
    const style = this.random();
    const suffix = this.chance(0.5) ? String(this.int(1, 99)) : '';
    const email = style < 0.6 ? `${local(first)}.${local(last)}${suffix}@example.com` : `${local(first).slice(0, 1)}${local(last)}${suffix}@example.com`;
    return {
      full_name: `${first} ${last}`,
      email: this.chance(0.9) ? email : null,
      phone: this.chance(0.75) ? `07700 900${String(this.int(0, 999)).padStart(3, '0')}` : null,
      address: null,
    };
  }

  private address(): string {
    return `${this.int(1, 140)} ${this.pick(STREETS)} ${this.pick(STREET_KINDS)}, ${this.pick(TOWNS)}`;
  }

  private planCase(reference: string, year: number, sequence: number, receivedAt: Date, channel: Channel): CasePlan {
    const jurisdiction = this.weighted<Jurisdiction>([['local-government', 0.8], ['adult-social-care', 0.17], ['private-social-care', 0.03]]);
    let category: string;
    let subcategory: string;
    let body: SeedBody;
    if (jurisdiction === 'local-government') {
      category = this.weighted(LOCAL_GOVERNMENT_CATEGORIES);
      const subs = categories[category] ?? [];
      subcategory = this.weighted(subs.map((s, i) => [s, 1 / (1 + i * 0.25)] as const));
      body = (this.councilsFor.get(category) ?? this.anyCouncil)();
    } else {
      category = ADULT_CARE;
      const subs = categories[ADULT_CARE] ?? [];
      if (jurisdiction === 'private-social-care') {
        subcategory = this.weighted(PRIVATE_CARE_SUBCATEGORIES);
        body = this.anyCareProvider();
      } else {
        subcategory = this.weighted(subs.map((s, i) => [s, 1 / (1 + i * 0.25)] as const));
        body = (this.councilsFor.get(ADULT_CARE) ?? this.anyCouncil)();
      }
    }

    const complainant = this.person();
    if (channel === 'letter' || this.chance(0.3)) complainant.address = this.address();
    if (channel === 'phone' && !complainant.phone) complainant.phone = `07700 900${String(this.int(0, 999)).padStart(3, '0')}`;
    const representative = this.chance(jurisdiction === 'local-government' ? 0.05 : 0.25) ? this.person() : null;
    const subject = body.name.endsWith('s') ? `${body.name}’` : `${body.name}’s`;
    const summary = `${representative ? `${representative.full_name} complains on behalf of ${complainant.full_name}` : 'Complains'} about ${subject} handling of ${subcategory.toLowerCase()}: ${this.pick(ISSUES)}.`;

    // Registered straight away on the phone, within a working day (mostly) when written.
    let registeredAt =
      channel === 'phone'
        ? new Date(receivedAt.getTime() + this.int(6, 40) * 60_000)
        : this.addOfficeMinutes(receivedAt, this.chance(0.985) ? this.int(10, 480) : this.int(560, 1_400));
    if (!this.happened(registeredAt)) registeredAt = new Date(receivedAt.getTime() + Math.floor((this.nowMs - receivedAt.getTime()) / 2));

    const plan: CasePlan = {
      reference, year, sequence, channel, receivedAt, registeredAt,
      intakeId: this.pick(this.staff.intake).id,
      assessorId: this.pick(this.staff.assessors).id,
      complainant, representative,
      bodyId: body.id, category, subcategory, jurisdiction, summary,
      stage: 'assessment', team: 'assessment', joint: false, ownerId: null,
      assessmentDueOn: null, assessmentDecidedAt: null, allocatedAt: null, draftSharedAt: null, decidedAt: null,
      closedAt: null, outcome: null, closingReason: null, clockStoppedAt: null, clockStopReason: null,
      enquiries: [], decisions: [], remedies: [], stops: [], jointWorking: null, events: [],
    };
    this.lifecycle(plan);
    if (plan.stage !== 'closed' && plan.stage !== 'compliance') this.maybeStopNow(plan, plan.ownerId ?? plan.assessorId);
    plan.assessmentDueOn = this.dueOn(plan);
    plan.events.sort((a, b) => a.at.getTime() - b.at.getTime()); // stable: same-instant events keep their order
    return plan;
  }

  /**
   * Works out the case's whole life, then keeps what had happened by `now`: each step is later
   * than the one before, so the first step still in the future leaves the case at its stage.
   */
  private lifecycle(plan: CasePlan): void {
    const event = (at: Date, kind: CaseEventKind, actorId: number, facts: () => Record<string, unknown> = () => ({}), detail: string | null = null) => {
      if (this.happened(at)) plan.events.push({ at, kind, actorId, facts, detail });
    };
    event(plan.registeredAt, 'case-registered', plan.intakeId, () => ({
      channel: plan.channel, receivedAt: plan.receivedAt.toISOString(), category: plan.category, subcategory: plan.subcategory,
      jurisdiction: plan.jurisdiction, bodyIds: [plan.bodyId],
    }), plan.summary);

    // -- assessment
    const assessor = { id: plan.assessorId };
    const wantsJoint = this.chance(plan.jurisdiction === 'local-government' ? 0.01 : plan.jurisdiction === 'adult-social-care' ? 0.12 : 0.08);
    const decision = wantsJoint
      ? this.weighted([['pass', 0.7], ['close', 0.2], ['refer', 0.1]] as const)
      : this.weighted([['pass', 0.5], ['close', 0.29], ['refer', 0.21]] as const);
    const receivedOn = londonDate(plan.receivedAt);
    // Now and then a closure waits a long time for information (the long tail of the 13-week figures).
    const assessmentDays = decision === 'pass' ? this.workingDays(8, 0.5) : this.workingDays(this.chance(0.04) ? 45 : 10, 0.55);
    let decisionAt = this.latest(this.officeTime(this.calendar.addWorkingDays(receivedOn, assessmentDays)), this.after(plan.registeredAt, 0));

    let jointStart: Date | null = null;
    if (wantsJoint) {
      jointStart = this.after(plan.registeredAt, this.int(1, 4));
      if (decisionAt <= jointStart) decisionAt = this.after(jointStart, this.int(1, 3));
    }
    if (this.chance(0.18)) {
      const enquiry = this.enquiry(plan, this.after(plan.registeredAt, this.int(1, 3)), 15, ASSESSMENT_QUESTIONS, assessor.id);
      decisionAt = this.latest(decisionAt, this.after(enquiry.plannedResponse, this.int(1, 3)));
    }
    if (this.chance(0.05)) decisionAt = this.clockStop(plan, this.after(plan.registeredAt, this.int(1, 4)), decisionAt, assessor.id);
    if (jointStart && this.happened(jointStart)) this.startJoint(plan, jointStart, assessor.id);
    this.notes(plan, plan.registeredAt, decisionAt, () => assessor.id);

    if (!this.happened(decisionAt)) return;
    if (decision !== 'pass') {
      const outcome: Outcome = decision === 'close' ? 'closed-after-initial-enquiries' : 'referred-back-for-local-resolution';
      const reason: ClosingReason | null = decision === 'close' ? this.weighted(CLOSING_REASONS) : null;
      event(decisionAt, decision === 'close' ? 'assessment-closed' : 'referred-back', assessor.id, () => ({ outcome, reason }),
        reason ? CLOSING_EXPLANATIONS[reason] : REFERRED_BACK);
      event(decisionAt, 'case-closed', assessor.id, () => ({ from: 'assessment', outcome }));
      update(plan, { stage: 'closed', outcome, closingReason: reason, assessmentDecidedAt: decisionAt, decidedAt: decisionAt, closedAt: decisionAt });
      return;
    }
    plan.stage = 'awaiting-allocation';
    plan.team = plan.joint ? 'joint' : 'investigation';
    event(decisionAt, 'passed-for-investigation', assessor.id, () => ({ from: 'assessment' }),
      this.chance(0.5) ? 'There is enough evidence of possible fault causing injustice to justify an investigation.' : null);

    // -- allocation
    const allocatedAt = this.after(decisionAt, this.workingDays(4, 0.9, 0));
    const manager = this.pick(this.staff.managers);
    const investigator = this.pick(plan.joint ? this.staff.jointInvestigators : this.staff.investigators);
    this.notes(plan, decisionAt, allocatedAt, () => assessor.id);
    if (!this.happened(allocatedAt)) return;
    update(plan, { stage: 'investigation', ownerId: investigator.id, allocatedAt });
    event(allocatedAt, 'allocated', manager.id, () => ({ investigatorId: investigator.id, investigatorName: investigator.name, reallocation: false }));

    // -- investigation
    const complex = this.chance(0.05);
    let draftAt = this.after(allocatedAt, this.workingDays(complex ? 70 : 20, 0.5, 3));
    if (this.chance(0.75)) {
      const enquiry = this.enquiry(plan, this.after(allocatedAt, this.int(1, 5)), 20, INVESTIGATION_QUESTIONS, investigator.id);
      draftAt = this.latest(draftAt, this.after(enquiry.plannedResponse, this.int(2, 6)));
    }
    if (this.chance(0.04)) draftAt = this.clockStop(plan, this.after(allocatedAt, this.int(2, 6)), draftAt, investigator.id);
    const outcome = this.weighted(INVESTIGATION_OUTCOMES);
    const commentsDueOn = this.calendar.addWorkingDays(londonDate(draftAt), 10);
    const finalAt = this.officeTime(this.calendar.addWorkingDays(commentsDueOn, this.int(1, 8)));
    this.notes(plan, allocatedAt, finalAt, () => investigator.id);
    if (!this.happened(draftAt)) return;
    const draft: PlannedDecision = {
      kind: 'draft', outcome, madeBy: investigator.id, madeAt: draftAt, commentsDueOn, reasons: `Draft decision. ${DECISION_REASONS[outcome] ?? ''}`.trim(),
    };
    plan.decisions.push(draft);
    update(plan, { stage: 'draft-decision', draftSharedAt: draftAt });
    event(draftAt, 'draft-decision-shared', investigator.id, () => ({ decisionId: idOf(draft), outcome, commentsDueOn }), draft.reasons);

    // -- final decision
    if (!this.happened(finalAt)) return;
    const finalOn = londonDate(finalAt);
    const final: PlannedDecision = {
      kind: 'final', outcome, madeBy: investigator.id, madeAt: finalAt, commentsDueOn: null, reasons: `Final decision. ${DECISION_REASONS[outcome] ?? ''}`.trim(),
    };
    plan.decisions.push(final);
    const remedies = this.remedies(outcome, finalOn);
    plan.remedies = remedies;
    update(plan, { outcome, decidedAt: finalAt });
    event(finalAt, 'final-decision-issued', investigator.id, () => ({
      decisionId: idOf(final), outcome,
      remedies: remedies.map((r) => ({ id: idOf(r), kind: r.kind, amountPence: r.amountPence, dueOn: r.dueOn })),
    }), final.reasons);
    if (remedies.length === 0) {
      event(finalAt, 'case-closed', investigator.id, () => ({ from: 'draft-decision', outcome }));
      update(plan, { stage: 'closed', closedAt: finalAt });
      return;
    }
    plan.stage = 'compliance';

    // -- compliance: each remedy settled around its due date, recorded when known
    const settlements = remedies
      .map((remedy) => ({ remedy, ...this.settlement(remedy, finalOn) }))
      .sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    for (const [index, { remedy, status, settledOn, recordedAt, evidence }] of settlements.entries()) {
      if (!this.happened(recordedAt)) break;
      Object.assign(remedy, { status, settledOn, recordedAt, evidence });
      event(recordedAt, 'compliance-recorded', investigator.id, () => ({ remedyId: idOf(remedy), kind: remedy.kind, status, settledOn, dueOn: remedy.dueOn }), evidence);
      if (index === settlements.length - 1) {
        event(recordedAt, 'case-closed', investigator.id, () => ({ from: 'compliance', outcome }));
        update(plan, { stage: 'closed', closedAt: recordedAt });
      }
    }
  }

  /** Sends an enquiry to the case's body; the response comes when it comes (and is kept if it came by now). */
  private enquiry(plan: CasePlan, sentAt: Date, allowedDays: number, questions: readonly string[], actorId: number) {
    const dueOn = this.calendar.addWorkingDays(londonDate(sentAt), allowedDays);
    const late = this.chance(0.25);
    const plannedResponse = this.after(sentAt, late ? this.int(allowedDays + 1, allowedDays + 15) : this.int(Math.ceil(allowedDays / 3), allowedDays));
    if (this.happened(sentAt)) {
      const responded = this.happened(plannedResponse);
      const enquiry: PlannedEnquiry = {
        sentAt, dueOn, question: this.pick(questions),
        respondedAt: responded ? plannedResponse : null, response: responded ? this.pick(RESPONSES) : null,
      };
      plan.enquiries.push(enquiry);
      plan.events.push({ at: sentAt, kind: 'enquiry-sent', actorId, facts: () => ({ enquiryId: idOf(enquiry), bodyId: plan.bodyId, dueOn }), detail: enquiry.question });
      if (responded) {
        const wasLate = londonDate(plannedResponse) > dueOn;
        plan.events.push({ at: plannedResponse, kind: 'enquiry-response-recorded', actorId, facts: () => ({ enquiryId: idOf(enquiry), late: wasLate }), detail: enquiry.response });
      }
    }
    return { plannedResponse };
  }

  /** Stops the clock for a while; returns `next` pushed back by the working days it stood still. */
  private clockStop(plan: CasePlan, stoppedAt: Date, next: Date, actorId: number): Date {
    if (stoppedAt >= next) return next;
    const restartedAt = this.after(stoppedAt, this.workingDays(12, 0.6, 3));
    const days = workingDaysStopped({ stoppedAt, restartedAt }, this.calendar);
    const pushed = this.latest(this.officeTime(this.calendar.addWorkingDays(londonDate(next), days)), this.after(restartedAt, 1));
    if (!this.happened(stoppedAt)) return pushed;
    const reason = this.pick(STOP_REASONS);
    const previousDueOn = this.dueOn(plan);
    const restarted = this.happened(restartedAt);
    plan.stops.push({ stoppedAt, restartedAt: restarted ? restartedAt : null, workingDaysStopped: restarted ? days : null, reason });
    plan.events.push({ at: stoppedAt, kind: 'clock-stopped', actorId, facts: () => ({ previousDueOn }), detail: reason });
    if (restarted) {
      const dueOn = this.dueOn(plan);
      plan.events.push({ at: restartedAt, kind: 'clock-restarted', actorId, facts: () => ({ workingDaysStopped: days, dueOn }), detail: null });
    } else {
      plan.clockStoppedAt = stoppedAt;
      plan.clockStopReason = reason;
    }
    return pushed;
  }

  /** An open case not already stopped may have its clock stopped now, between its last event and `now`. */
  private maybeStopNow(plan: CasePlan, actorId: number): void {
    if (plan.clockStoppedAt || !['assessment', 'awaiting-allocation', 'investigation', 'draft-decision'].includes(plan.stage)) return;
    if (!this.chance(0.05)) return;
    const last = plan.events.reduce((a, e) => Math.max(a, e.at.getTime()), plan.registeredAt.getTime());
    const sometime = new Date(last + Math.floor((this.nowMs - last) * (0.2 + 0.7 * this.random())));
    const inOfficeHours = this.addOfficeMinutes(sometime, this.int(5, 90));
    const stoppedAt = this.happened(inOfficeHours) ? inOfficeHours : sometime;
    if (stoppedAt.getTime() <= last) return;
    const reason = this.pick(STOP_REASONS);
    const previousDueOn = this.dueOn(plan);
    plan.stops.push({ stoppedAt, restartedAt: null, workingDaysStopped: null, reason });
    plan.events.push({ at: stoppedAt, kind: 'clock-stopped', actorId, facts: () => ({ previousDueOn }), detail: reason });
    plan.clockStoppedAt = stoppedAt;
    plan.clockStopReason = reason;
  }

  /** The 20-working-day deadline as the services store it: an open stop leaves the last one in place. */
  private dueOn(plan: CasePlan): IsoDate | null {
    const closed: ClockStopPeriod[] = plan.stops.flatMap((s) => (s.restartedAt ? [{ stoppedAt: s.stoppedAt, restartedAt: s.restartedAt }] : []));
    return assessmentDeadline(plan.receivedAt, closed, this.calendar).due;
  }

  private startJoint(plan: CasePlan, startedAt: Date, actorId: number): void {
    const startedOn = londonDate(startedAt);
    const earliest = addCalendarDays(londonDate(plan.receivedAt), 1);
    let consentGivenOn = addCalendarDays(startedOn, -this.int(1, 4));
    if (consentGivenOn < earliest) consentGivenOn = earliest < startedOn ? earliest : startedOn;
    const previousTeam = plan.team;
    plan.joint = true;
    plan.team = 'joint';
    plan.jointWorking = { consentAt: new Date(`${consentGivenOn}T12:00:00Z`), startedAt };
    plan.events.push({ at: startedAt, kind: 'joint-working-started', actorId, facts: () => ({ consentGivenOn, previousTeam }), detail: null });
  }

  /** Now and then a note or two, between `from` and `until` (and never after `now`). */
  private notes(plan: CasePlan, from: Date, until: Date, actorId: () => number): void {
    const count = this.chance(0.12) ? (this.chance(0.3) ? 2 : 1) : 0;
    for (let i = 0; i < count; i++) {
      const at = this.addOfficeMinutes(new Date(from.getTime() + Math.floor(this.random() * (until.getTime() - from.getTime()))), this.int(5, 90));
      const text = this.pick(NOTES);
      if (at > from && at < until && this.happened(at)) plan.events.push({ at, kind: 'note-added', actorId: actorId(), facts: () => ({}), detail: text });
    }
  }

  private remedies(outcome: Outcome, finalOn: IsoDate): PlannedRemedy[] {
    const kinds: RemedyKind[] = [];
    if (outcome === 'upheld-fault-injustice') {
      if (this.chance(0.75)) kinds.push('apology');
      if (this.chance(0.55)) kinds.push('financial-payment');
      if (this.chance(0.3)) kinds.push('service-improvement');
      if (this.chance(0.2)) kinds.push('procedure-review');
      if (this.chance(0.08)) kinds.push('training');
      if (kinds.length === 0) kinds.push('apology');
    } else if (outcome === 'upheld-fault-no-injustice' && this.chance(0.35)) {
      kinds.push(this.chance(0.5) ? 'service-improvement' : 'procedure-review');
    }
    return kinds.map((kind) => {
      const quick = kind === 'apology' || kind === 'financial-payment';
      const pounds = kind === 'financial-payment' ? this.weighted(PAYMENTS_POUNDS) : null;
      return {
        kind,
        amountPence: pounds === null ? null : pounds * 100,
        dueOn: this.calendar.addWorkingDays(finalOn, quick ? 20 : 60),
        status: 'pending', settledOn: null, recordedAt: null, evidence: null,
        description: pounds === null ? REMEDY_TEXT[kind] : `Pay the complainant £${pounds.toLocaleString('en-GB')} for the distress and uncertainty caused.`,
      };
    });
  }

  private settlement(remedy: PlannedRemedy, finalOn: IsoDate) {
    const r = this.random();
    const allowed = this.calendar.workingDaysBetween(finalOn, remedy.dueOn);
    let settledOn: IsoDate;
    let status: string;
    let evidence: string;
    if (r < 0.81) {
      settledOn = this.calendar.addWorkingDays(finalOn, this.int(Math.max(1, Math.floor(allowed / 3)), allowed));
      status = 'complied-on-time';
      evidence = EVIDENCE.complied;
    } else if (r < 0.96) {
      settledOn = this.calendar.addWorkingDays(remedy.dueOn, this.int(1, 30));
      status = 'complied-late';
      evidence = EVIDENCE.late;
    } else {
      settledOn = this.calendar.addWorkingDays(remedy.dueOn, this.int(15, 40));
      status = 'not-complied';
      evidence = EVIDENCE.not;
    }
    const recordedAt = this.officeTime(this.calendar.addWorkingDays(settledOn, this.int(0, 3)));
    return { status, settledOn, recordedAt, evidence };
  }
}

// ---------------------------------------------------------------------------------------------
// Writing a batch

const UPDATES_CASE_ROW: ReadonlySet<CaseEventKind> = new Set<CaseEventKind>([
  'assessment-closed', 'referred-back', 'passed-for-investigation', 'allocated', 'draft-decision-shared', 'final-decision-issued',
  'compliance-recorded', 'clock-stopped', 'clock-restarted', 'joint-working-started',
]);

async function insertBatch(db: Kysely<Database>, plans: readonly CasePlan[]): Promise<void> {
  const people: NewPersonRow[] = [];
  for (const plan of plans) {
    people.push(plan.complainant);
    if (plan.representative) people.push(plan.representative);
  }
  const personIds = await bulkInsertPeople(db, people);
  let nextPerson = 0;
  const takePerson = () => {
    const id = personIds[nextPerson++];
    if (id === undefined) throw new Error('Fewer people inserted than planned');
    return id;
  };
  const complainantIds = plans.map((plan) => ({ complainant: takePerson(), representative: plan.representative ? takePerson() : null }));

  const contactIds = await bulkInsertContacts(db, plans.map((plan, i) => ({
    channel: plan.channel,
    received_at: plan.receivedAt,
    dealt_with_at: plan.registeredAt,
    outcome: 'case-created',
    person_id: complainantIds[i]?.complainant ?? null,
    body_id: plan.bodyId,
    summary_text: plan.summary,
    recorded_by: plan.intakeId,
  })));

  const caseIds = await bulkInsertCases(db, plans.map((plan, i) => ({
    reference: plan.reference,
    contact_id: contactIds[i] ?? null,
    received_at: plan.receivedAt,
    registered_at: plan.registeredAt,
    complainant_id: complainantIds[i]?.complainant ?? null,
    representative_id: complainantIds[i]?.representative ?? null,
    category: plan.category,
    subcategory: plan.subcategory,
    jurisdiction: plan.jurisdiction,
    stage: plan.stage,
    team: plan.team,
    joint: plan.joint,
    owner_id: plan.ownerId,
    assessment_due_on: plan.assessmentDueOn,
    assessment_decided_at: plan.assessmentDecidedAt,
    allocated_at: plan.allocatedAt,
    draft_shared_at: plan.draftSharedAt,
    decided_at: plan.decidedAt,
    closed_at: plan.closedAt,
    outcome: plan.outcome,
    closing_reason: plan.closingReason,
    clock_stopped_at: plan.clockStoppedAt,
    clock_stop_reason_text: plan.clockStopReason,
    summary_text: plan.summary,
    // One for the new case and one for each time the services would have updated the row.
    version: 1 + plan.events.filter((e) => UPDATES_CASE_ROW.has(e.kind)).length,
  })));
  plans.forEach((plan, i) => {
    plan.id = caseIds[i];
  });

  await bulkInsertCaseBodies(db, plans.map((plan) => ({ case_id: idOf(plan), body_id: plan.bodyId })));

  const enquiries = plans.flatMap((plan) => plan.enquiries.map((enquiry) => ({ plan, enquiry })));
  const enquiryIds = await bulkInsertEnquiries(db, enquiries.map(({ plan, enquiry }) => ({
    case_id: idOf(plan), body_id: plan.bodyId, sent_at: enquiry.sentAt, due_on: enquiry.dueOn,
    responded_at: enquiry.respondedAt, question_text: enquiry.question, response_text: enquiry.response,
  })));
  enquiries.forEach(({ enquiry }, i) => {
    enquiry.id = enquiryIds[i];
  });

  const decisions = plans.flatMap((plan) => plan.decisions.map((decision) => ({ plan, decision })));
  const decisionIds = await bulkInsertDecisions(db, decisions.map(({ plan, decision }) => ({
    case_id: idOf(plan), kind: decision.kind, outcome: decision.outcome, made_by: decision.madeBy, made_at: decision.madeAt,
    comments_due_on: decision.commentsDueOn, reasons_text: decision.reasons,
  })));
  decisions.forEach(({ decision }, i) => {
    decision.id = decisionIds[i];
  });

  const remedies = plans.flatMap((plan) => {
    const final = plan.decisions.find((d) => d.kind === 'final');
    return final ? plan.remedies.map((remedy) => ({ plan, final, remedy })) : [];
  });
  const remedyIds = await bulkInsertRemedies(db, remedies.map(({ plan, final, remedy }) => ({
    case_id: idOf(plan), decision_id: idOf(final), kind: remedy.kind, amount_pence: remedy.amountPence, due_on: remedy.dueOn,
    status: remedy.status, settled_on: remedy.settledOn, recorded_at: remedy.recordedAt, description_text: remedy.description, evidence_text: remedy.evidence,
  })));
  remedies.forEach(({ remedy }, i) => {
    remedy.id = remedyIds[i];
  });

  await bulkInsertClockStops(db, plans.flatMap((plan) => plan.stops.map((stop) => ({
    case_id: idOf(plan), stopped_at: stop.stoppedAt, restarted_at: stop.restartedAt, working_days_stopped: stop.workingDaysStopped, reason_text: stop.reason,
  }))));

  await bulkInsertJointWorking(db, plans.flatMap((plan) => (plan.jointWorking ? [{
    case_id: idOf(plan), consent_to_joint_at: plan.jointWorking.consentAt, consent_to_share_at: plan.jointWorking.consentAt, started_at: plan.jointWorking.startedAt,
  }] : [])));

  const events: NewCaseEventRow[] = plans.flatMap((plan) => plan.events.map((event) => ({
    case_id: idOf(plan), occurred_at: event.at, actor_id: event.actorId, kind: event.kind, facts: event.facts(), detail_text: event.detail,
  })));
  await bulkInsertCaseEvents(db, events);

  const highest = new Map<number, number>();
  for (const plan of plans) highest.set(plan.year, Math.max(highest.get(plan.year) ?? 0, plan.sequence));
  await raiseReferenceSequences(db, [...highest].map(([year, last_value]) => ({ year, last_value })));
}

