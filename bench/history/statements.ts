/**
 * The generator's SQL: `insert ... select` statements, each over one slice of rows, that the
 * generator runs on one or two connections. First `bench_facts` (an unlogged working table, one
 * row per case with everything drawn for it: receipt, channel, body, the instants of its whole
 * life whether or not they had happened by NOW, its outcome and remedies), then every real table
 * as a projection of the facts, keeping only what had happened by NOW.
 *
 * Ids are functions of the case id (remedy = case × 8 + slot, event = case × 100 + its place in
 * the timeline...), so they are the same on every run and a case's rows are found by a primary
 * key range. Generated ids therefore leave gaps; sequences are moved past the highest.
 */
import { calendarDaysBetween, londonDateTime, type IsoDate } from '../../src/domain/london-time.ts';
import type { BenchPools } from './reference-data.ts';
import { FIRST_NAMES, LAST_NAMES } from './reference-data.ts';
import { isoText, literal, londonAt, pick, pickNumber, uniform, weighted } from './sql.ts';
import {
  ADULT_CARE, ASSESSMENT_OUTCOMES, CLOSING_EXPLANATION, CLOSING_REASONS, COMPLAINANT_MESSAGES, DECISION_REASONS, DOCUMENTS, EDUCATION,
  INTAKE_OUTCOMES, INVESTIGATION_OUTCOMES, ISSUES, NOTES, PAYMENTS_PENCE, QUESTIONS, REFERRED_BACK, REMEDY_SLOTS, RESPONSES, STAFF_MESSAGES,
  adultCareSubjects, localGovernmentSubjects, privateCareSubjects,
} from './vocabulary.ts';

export const HISTORY_FROM: IsoDate = '2016-04-01';
export const HISTORY_TO: IsoDate = '2019-06-28';
/** The moment the history is "as at": later decisions, closures and replies have not happened. */
export const NOW = londonDateTime('2019-06-30', '12:00');

export const CALLS_PER_CASE = 1.2;
/** Contacts dealt with at intake, per case: about half of all contacts never become cases. */
export const INTAKE_CONTACTS_PER_CASE = 1.0;
export const SHARE_INVESTIGATED = 0.27;

export interface Shape {
  cases: number;
  seed: number;
  calls: number;
  /** Contacts closed at intake. */
  intakeContacts: number;
  pools: BenchPools;
}

export function shapeOf(cases: number, seed: number, pools: BenchPools): Shape {
  const intakeContacts = Math.round(cases * INTAKE_CONTACTS_PER_CASE);
  if (intakeContacts > cases) throw new RangeError('People ids leave one slot per case for an intake contact: at most one per case');
  return { cases, seed, calls: Math.round(cases * CALLS_PER_CASE), intakeContacts, pools };
}

/**
 * People ids, in the order people would have been created: three slots per case, for its
 * complainant, its representative (if any) and the person behind the intake contact that arrived
 * about the same time. (People numbered by kind, all representatives after everyone else, made
 * the planner pick plans that real data would not.)
 */
export const complainantId = (caseId: string) => `(3 * (${caseId}) - 2)`;
export const representativeId = (caseId: string) => `(3 * (${caseId}) - 1)`;
const intakePersonId = (shape: Shape, index: string) => `(3 * ((${index}) * ${shape.cases} / ${shape.intakeContacts} + 1))`;

/** Where each table's generated ids stop: anything above was added later (by a benchmark) and is removed by a reset. */
export function generatedMaxIds(shape: Shape): Record<string, number> {
  const n = shape.cases;
  return {
    cases: n,
    people: 3 * n,
    contacts: n + shape.intakeContacts,
    calls: shape.calls,
    enquiries: n * 4 + 3,
    decisions: n * 2,
    remedies: n * 8 + 7,
    documents: n * 10 + 9,
    messages: n * 20 + 19,
    case_events: n * 100 + 99,
  };
}

const NOW_SQL = `'${NOW.toISOString()}'::timestamptz`;
const days = () => calendarDaysBetween(HISTORY_FROM, HISTORY_TO) + 1;
/** The value if it had happened by NOW, else null. */
const seen = (instant: string) => `(case when ${instant} <= ${NOW_SQL} then ${instant} end)`;
const names = (first: string, last: string) =>
  `(${pick(FIRST_NAMES, first)} || ' ' || ${pick(LAST_NAMES, last)})`;

export const FACTS_TABLE = `create unlogged table if not exists bench_facts (
  id integer primary key,
  reference text not null,
  received_day date not null,
  received_at timestamptz not null,
  channel text not null,
  registered_at timestamptz not null,
  category text not null,
  subcategory text not null,
  jurisdiction text not null,
  body_id integer not null,
  joint boolean not null,
  investigated boolean not null,
  stuck boolean not null,
  representative boolean not null,
  due_on date not null,
  milestone_at timestamptz,
  passed_at timestamptz,
  draft_at timestamptz,
  decided_at timestamptz,
  closed_at timestamptz,
  outcome text not null,
  closing_reason text,
  remedies integer not null,
  intake_id integer,
  assessor_id integer,
  owner_id integer,
  manager_id integer
)`;

/** The first row index of each calendar year's references: row i is numbered i - first + 1 in its year. */
export function firstIndexByYear(total: number): { firstYear: number; firsts: number[] } {
  const firstYear = Number(HISTORY_FROM.slice(0, 4));
  const lastYear = Number(HISTORY_TO.slice(0, 4));
  const firsts: number[] = [];
  for (let year = firstYear; year <= lastYear; year++) {
    const offset = calendarDaysBetween(HISTORY_FROM, `${year}-01-01`);
    // Row i's nominal day is floor(i * days / total); the first row on or after `offset` is ceil(offset * total / days).
    firsts.push(Math.max(0, Math.ceil((offset * total) / days())));
  }
  return { firstYear, firsts };
}

/** The highest sequence number used in each year, for reference_sequences. */
export function referenceSequences(total: number): { year: number; last_value: number }[] {
  const { firstYear, firsts } = firstIndexByYear(total);
  return firsts.map((first, k) => ({ year: firstYear + k, last_value: (firsts[k + 1] ?? total) - first })).filter((s) => s.last_value > 0);
}

/** Remedy slots as a bit mask (slot s is bit s - 1), drawn for an upheld decision. */
function remedyMask(seed: number, outcome: string, index: string): string {
  const u = (k: number) => uniform(seed, k, index);
  const optional = REMEDY_SLOTS.slice(1).map((r) => `(case when ${u(60 + r.slot)} < ${r.chance} then ${1 << (r.slot - 1)} else 0 end)`).join(' + ');
  return `(case when ${outcome} = 'upheld-fault-injustice' then
                (select m + case when m = 0 or ${u(61)} < ${REMEDY_SLOTS[0].chance} then 1 else 0 end from (select ${optional} as m) o)
              when ${outcome} = 'upheld-fault-no-injustice' and ${u(67)} < 0.35 then (case when ${u(68)} < 0.5 then 4 else 8 end)
              else 0 end)`;
}

/** Every case's drawn facts: see the file comment and bench/README.md for the distributions. */
export function factsSql(shape: Shape, lo: number, hi: number): string {
  const { seed, pools } = shape;
  const u = (k: number) => uniform(seed, k);
  const { firstYear, firsts } = firstIndexByYear(shape.cases);
  const subject = `case when r.u28 < 0.80 then ${weighted(localGovernmentSubjects, 'r.u29')}
                        when r.u28 < 0.97 then ${weighted(adultCareSubjects, 'r.u29')}
                        else ${weighted(privateCareSubjects, 'r.u29')} end`;
  const anyCouncil = pickNumber(pools.councils, 'r.u27');
  const careCouncil = pools.careCouncils.length ? pickNumber(pools.careCouncils, 'r.u27') : anyCouncil;
  const careProvider = pools.careProviders.length ? pickNumber(pools.careProviders, 'r.u27') : anyCouncil;
  const uniforms = Array.from({ length: 30 }, (_, k) => `${u(k + 1)} as u${k + 1}`).join(', ');
  return `
insert into bench_facts (id, reference, received_day, received_at, channel, registered_at, category, subcategory, jurisdiction, body_id,
                         joint, investigated, stuck, representative, due_on, milestone_at, passed_at, draft_at, decided_at, closed_at,
                         outcome, closing_reason, remedies, intake_id, assessor_id, owner_id, manager_id)
select x.i + 1, x.reference, x.received_day, x.received_at, x.channel, x.registered_at, x.category, x.subcategory, x.jurisdiction, x.body_id,
       x.joint, x.investigated, x.stuck, x.representative, x.due_on,
       case when x.stuck and not x.investigated then null else x.milestone_at end,
       x.passed_at,
       case when x.investigated then x.milestone_at + (coalesce(d.decided_at, x.closure_at) - x.milestone_at) * (0.6 + 0.25 * x.u16) end,
       d.decided_at,
       case when x.stuck then null when x.investigated then x.closure_at else x.milestone_at end,
       x.outcome, x.closing_reason, x.remedies, x.intake_id, x.assessor_id, x.owner_id, x.manager_id
  from (
    select r.i, r.u15, r.u16, t.received_at, rd.day as received_day, ch.channel, rd.twentieth_working_day as due_on,
           to_char(extract(year from r.nominal_day)::int % 100, 'FM00') || ' ' || to_char(r.seq / 1000, 'FM000') || ' ' || to_char(r.seq % 1000, 'FM000') as reference,
           split_part(s.subject, '|', 1) as category, split_part(s.subject, '|', 2) as subcategory, s.jurisdiction,
           case when s.jurisdiction = 'private-social-care' then ${careProvider}
                when split_part(s.subject, '|', 1) in (${literal(ADULT_CARE)}, ${literal(EDUCATION)}) then ${careCouncil}
                else ${anyCouncil} end as body_id,
           r.u17 < 0.03 as joint, r.u11 < ${SHARE_INVESTIGATED} as investigated, r.u19 < 0.002 as stuck, r.u18 < 0.08 as representative,
           m.milestone_at, reg.registered_at,
           case when r.u11 < ${SHARE_INVESTIGATED} then greatest(reg.registered_at + interval '1 minute', t.received_at + (m.milestone_at - t.received_at) * (0.55 + 0.4 * r.u10)) end as passed_at,
           ${londonAt('case when cd.working then cd.day else cd.next_working_day end', '36000 + floor(r.u9 * 25200)')} as closure_at,
           o.outcome,
           case when o.outcome = 'closed-after-initial-enquiries' then ${weighted(CLOSING_REASONS, 'r.u14')} end as closing_reason,
           ${remedyMask(seed, 'o.outcome', 'r.i')} as remedies,
           ${pickNumber(pools.intake, 'r.u23')} as intake_id, ${pickNumber(pools.assessors, 'r.u24')} as assessor_id,
           case when r.u17 < 0.03 then ${pickNumber(pools.jointInvestigators.length ? pools.jointInvestigators : pools.investigators, 'r.u25')}
                else ${pickNumber(pools.investigators, 'r.u25')} end as owner_id,
           ${pickNumber(pools.managers, 'r.u26')} as manager_id
      from (select g.i, n.nominal_day,
                   g.i - (array[${firsts.join(', ')}])[extract(year from n.nominal_day)::int - ${firstYear} + 1] + 1 as seq, ${uniforms}
              from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
              cross join lateral (select date '${HISTORY_FROM}' + (g.i * ${days()} / ${shape.cases})::int as nominal_day) n
            -- A fence: without it the planner copies each hash into every expression that uses it.
            offset 0) r
      join calendar_days nd on nd.day = r.nominal_day
      join calendar_days rd on rd.day = case when not nd.working and r.u1 < 0.7 then nd.next_working_day else nd.day end
      cross join lateral (select case when rd.working then
                                   (case when r.u20 < 0.52 then 'email' when r.u20 < 0.82 then 'web' when r.u20 < 0.92 then 'letter' when r.u20 < 0.97 then 'phone' else 'in-person' end)
                                 else (case when r.u20 < 0.65 then 'web' else 'email' end) end as channel) ch
      cross join lateral (select (${subject}) as subject,
                                 case when r.u28 < 0.80 then 'local-government' when r.u28 < 0.97 then 'adult-social-care' else 'private-social-care' end as jurisdiction) s
      cross join lateral (select
          ${londonAt('rd.day', `case when ch.channel in ('phone', 'in-person', 'letter') then 32400 + floor(r.u3 * (case when ch.channel = 'letter' then 7200 else 28800 end))
                                     when r.u2 < 0.85 then 28800 + floor(r.u3 * 36000) else floor(r.u3 * 86400) end`)} as received_at,
          rd.working_day_number + case when r.u4 < 0.80 then 1 + floor(sqrt(r.u5) * 20)::int
                                       when r.u4 < 0.97 then 21 + floor(r.u5 * 30)::int
                                       else 51 + floor(r.u5 * 100)::int end as milestone_number,
          -- Detailed investigations, in calendar days from receipt: 22% within 13 weeks, 65% within 26, 96% within 52.
          (case when r.u7 < 0.22 then 35 + floor(r.u8 * 56) when r.u7 < 0.65 then 91 + floor(r.u8 * 91)
                when r.u7 < 0.96 then 182 + floor(r.u8 * 182) else 364 + floor(r.u8 * 300) end)::int as duration) t
      join calendar_days md on md.working and md.working_day_number = t.milestone_number
      cross join lateral (select greatest(${londonAt('md.day', '32400 + floor(r.u6 * 28800)')}, t.received_at + interval '2 hours') as milestone_at) m
      join calendar_days cd on cd.day = greatest(rd.day + t.duration, md.day + 21)
      cross join lateral (select least(greatest(t.received_at + interval '1 minute',
          case when ch.channel in ('phone', 'in-person') then t.received_at + interval '1 second' * floor(r.u21 * 900)
               when r.u22 < 0.975 then t.received_at + interval '1 second' * floor(r.u21 * 79200)
               when r.u22 < 0.995 then t.received_at + interval '1 second' * (79200 + floor(r.u21 * 259200))
               else t.received_at + interval '1 second' * (338400 + floor(r.u21 * 864000)) end),
          m.milestone_at - interval '5 minutes', ${NOW_SQL} - interval '1 hour') as registered_at) reg
      cross join lateral (select case when r.u11 < ${SHARE_INVESTIGATED} then ${weighted(INVESTIGATION_OUTCOMES, 'r.u12')}
                                      else ${weighted(ASSESSMENT_OUTCOMES, 'r.u12')} end as outcome) o
    offset 0
  ) x
  -- With remedies to carry out, the decision comes before the closure by about the time they are given.
  cross join lateral (select case when not x.investigated or (x.stuck and x.remedies = 0) then null
                                  when x.remedies = 0 then x.closure_at
                                  else greatest(x.milestone_at + (x.closure_at - x.milestone_at) * 0.5,
                                                x.closure_at - interval '1 day' * floor((case when x.remedies >= 4 then 84 else 28 end) * (0.5 + 0.6 * x.u15))) end as decided_at) d`;
}

/** The cases as the services would have left them at NOW. */
export function casesSql(lo: number, hi: number, shape: Shape): string {
  const { seed } = shape;
  const allocated = `(f.investigated and f.milestone_at <= ${NOW_SQL})`;
  const drafted = `(f.investigated and f.draft_at <= ${NOW_SQL})`;
  const decided = `(f.investigated and f.decided_at <= ${NOW_SQL})`;
  const closed = `(f.closed_at <= ${NOW_SQL})`;
  const passed = `(f.investigated and f.passed_at <= ${NOW_SQL})`;
  const settled = `(case when f.investigated then ${decided} else ${closed} end)`;
  return `
insert into cases (id, reference, contact_id, received_at, registered_at, complainant_id, representative_id, category, subcategory, jurisdiction,
                   stage, team, joint, owner_id, assessment_due_on, assessment_decided_at, allocated_at, draft_shared_at, decided_at, closed_at,
                   outcome, closing_reason, summary_text, version, imported)
select f.id, f.reference, f.id, f.received_at, f.registered_at, ${complainantId('f.id')}, case when f.representative then ${representativeId('f.id')} end,
       f.category, f.subcategory, f.jurisdiction,
       case when ${closed} then 'closed' when ${decided} then 'compliance' when ${drafted} then 'draft-decision'
            when ${allocated} then 'investigation' when ${passed} then 'awaiting-allocation' else 'assessment' end,
       case when f.joint then 'joint' when ${passed} then 'investigation' else 'assessment' end,
       f.joint,
       case when ${allocated} then f.owner_id end,
       f.due_on,
       case when not f.investigated then ${seen('f.milestone_at')} end,
       case when f.investigated then ${seen('f.milestone_at')} end,
       case when f.investigated then ${seen('f.draft_at')} end,
       case when f.investigated then ${seen('f.decided_at')} else ${seen('f.closed_at')} end,
       ${seen('f.closed_at')},
       case when ${settled} then f.outcome end,
       case when ${settled} then f.closing_reason end,
       'Complains about the ' || case when f.jurisdiction = 'private-social-care' then 'care provider' else 'council' end
         || '’s handling of ' || lower(f.subcategory) || ': ' || ${pick(ISSUES, uniform(seed, 30, 'f.id'))} || '.',
       1 + (case when ${settled} then 1 else 0 end) + (case when ${allocated} then 1 else 0 end) + (case when ${drafted} then 1 else 0 end)
         + (case when ${closed} and f.investigated then 1 else 0 end),
       false
  from bench_facts f
 where f.id between ${lo} and ${hi}`;
}

export function caseBodiesSql(lo: number, hi: number): string {
  return `insert into case_bodies (case_id, body_id) select f.id, f.body_id from bench_facts f where f.id between ${lo} and ${hi}`;
}

/** A person's columns drawn from hashes of `index`: names from the lists, an address at example.com, a drama-range mobile. */
function personColumns(seed: number, index: string, id: string): string {
  const u = (k: number) => uniform(seed, k, index);
  return `${names(u(401), u(402))} as full_name,
          case when ${u(403)} < 0.9 then lower(regexp_replace(${pick(FIRST_NAMES, u(401))} || '.' || ${pick(LAST_NAMES, u(402))}, '[^A-Za-z.]', '', 'g')) || '.' || ${id} || '@example.com' end as email,
          case when ${u(404)} < 0.75 then '07700 900' || lpad(floor(${u(405)} * 1000)::int::text, 3, '0') end as phone,
          case when ${u(406)} < 0.35 then (1 + floor(${u(407)} * 140))::int || ' ' || ${pick(['Church', 'Station', 'Mill', 'Victoria', 'Park', 'High', 'Meadow', 'Orchard'], u(408))} || ' Road, Sampleton' end as address`;
}

/** Complainants and representatives (see complainantId). */
export function casePeopleSql(lo: number, hi: number, shape: Shape): string {
  return `
insert into people (id, full_name, email, phone, address, contact_preference, created_at)
select p.id, p.full_name, p.email, p.phone, p.address, case when p.email is null then 'post' else 'email' end, f.registered_at
  from bench_facts f
  cross join lateral (
    select ${complainantId('f.id')} as id, ${personColumns(shape.seed, complainantId('f.id'), complainantId('f.id'))}
    union all
    select ${representativeId('f.id')}, ${personColumns(shape.seed, representativeId('f.id'), representativeId('f.id'))} where f.representative
  ) p
 where f.id between ${lo} and ${hi}`;
}

/** The contact each case arrived as (id = case id), dealt with when the case was registered. */
export function caseContactsSql(lo: number, hi: number): string {
  return `
insert into contacts (id, channel, received_at, dealt_with_at, outcome, person_id, body_id, summary_text, recorded_by, created_at)
select f.id, f.channel, f.received_at, f.registered_at, 'case-created', ${complainantId('f.id')}, f.body_id, 'Complaint about ' || lower(f.subcategory),
       case when f.channel = 'web' then null else f.intake_id end, f.registered_at
  from bench_facts f
 where f.id between ${lo} and ${hi}`;
}

/** Contacts dealt with at intake (advice, signposting, premature), with the person who made each: contact ids after the cases'. */
export function intakeContactsSql(lo: number, hi: number, shape: Shape, table: 'people' | 'contacts'): string {
  const { seed, cases, intakeContacts, pools } = shape;
  const u = (k: number) => uniform(seed, 300 + k);
  const id = `${cases} + g.i + 1`;
  const personId = intakePersonId(shape, 'g.i');
  if (table === 'people') {
    return `insert into people (id, full_name, email, phone, address, contact_preference)
select ${personId}, p.full_name, p.email, p.phone, p.address, case when p.email is null then 'post' else 'email' end
  from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
  cross join lateral (select ${personColumns(seed, personId, personId)}) p`;
  }
  return `
insert into contacts (id, external_id, channel, received_at, dealt_with_at, outcome, person_id, body_id, summary_text, recorded_by)
select ${id}, 'CONTACT-' || lpad((g.i + 1)::text, 9, '0'), c.channel, r.received_at,
       case when r.dealt <= ${NOW_SQL} and not r.never then r.dealt end,
       case when r.dealt <= ${NOW_SQL} and not r.never then ${weighted(INTAKE_OUTCOMES, u(7))} end,
       ${personId}, ${pickNumber(pools.councils, u(8))}, 'Enquiry dealt with at intake', ${pickNumber(pools.intake, u(9))}
  from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
  cross join lateral (select case when ${u(1)} < 0.52 then 'email' when ${u(1)} < 0.82 then 'web'
                                  when ${u(1)} < 0.92 then 'letter' when ${u(1)} < 0.97 then 'phone' else 'in-person' end as channel) c
  join calendar_days nd on nd.day = date '${HISTORY_FROM}' + (g.i * ${days()} / ${intakeContacts})::int
  cross join lateral (select ${londonAt(`case when c.channel in ('email', 'web') or nd.working then nd.day else nd.next_working_day end`,
      `case when c.channel = 'letter' then 32400 + floor(${u(3)} * 7200)
            when c.channel in ('phone', 'in-person') then 32400 + floor(${u(3)} * 28800)
            when ${u(2)} < 0.7 then 28800 + floor(${u(3)} * 43200)
            else floor(${u(3)} * 86400) end`)} as received_at, ${u(6)} < 0.001 as never) r0
  cross join lateral (select r0.*, case when c.channel in ('phone', 'in-person') then r0.received_at + interval '1 second' * floor(${u(5)} * 900)
                when ${u(4)} < 0.975 then r0.received_at + interval '1 second' * floor(${u(5)} * 79200)
                when ${u(4)} < 0.995 then r0.received_at + interval '1 second' * (79200 + floor(${u(5)} * 259200))
                else r0.received_at + interval '1 second' * (345600 + floor(${u(5)} * 864000)) end as dealt) r`;
}

export function callsSql(lo: number, hi: number, shape: Shape): string {
  const u = (k: number) => uniform(shape.seed, 100 + k);
  return `
insert into calls (id, call_id, presented_at, answered_at)
select g.i + 1, 'CALL-' || lpad((g.i + 1)::text, 9, '0'), p.presented_at,
       case when ${u(3)} < 0.975 then p.presented_at + interval '1 millisecond' * floor(-ln(1 - ${u(4)}) * 19000) end
  from generate_series(${lo}::bigint, ${hi}::bigint) g(i)
  join calendar_days nd on nd.day = date '${HISTORY_FROM}' + (g.i * ${days()} / ${shape.calls})::int
  cross join lateral (select ${londonAt('case when nd.working then nd.day else nd.next_working_day end',
    `floor((30600 + (${u(1)} + ${u(2)}) / 2 * 32400) * 1000)`, 'millisecond')} as presented_at) p`;
}

/** Each body's (first) link officer. */
const FIRST_LINK_OFFICER = '(select distinct on (body_id) body_id, id from link_officers order by body_id, id)';

/** The London date of an instant. */
const dayOf = (instant: string) => `((${instant}) at time zone 'Europe/London')::date`;
/** Working days by number, so "n working days after" is two primary key look-ups (dropped with bench_facts). */
export const WORKING_DAYS_TABLE = [
  `create unlogged table if not exists bench_working_days (n integer primary key, day date not null)`,
  `insert into bench_working_days (n, day) select working_day_number, day from calendar_days where working on conflict (n) do nothing`,
  `analyze bench_working_days`,
];

/**
 * Enquiries to the body (id = case × 4 + k): at assessment for 18% of cases (15 working days to
 * reply), at investigation for 75% of investigations (20 working days); a quarter answered late.
 */
export function enquiriesSql(lo: number, hi: number, shape: Shape): string {
  const u = (k: number, slot: string) => uniform(shape.seed, 600 + k, `f.id * 4 + ${slot}`);
  return `
insert into enquiries (id, case_id, body_id, sent_at, due_on, responded_at, question_text, response_text, responded_by_link_officer_id)
select f.id * 4 + s.k, f.id, f.body_id, s.sent_at, wt.day,
       case when a.answered <= ${NOW_SQL} then a.answered end,
       s.question,
       case when a.answered <= ${NOW_SQL} then ${pick(RESPONSES, u(5, 's.k'))} end,
       case when a.answered <= ${NOW_SQL} and ${u(6, 's.k')} < 0.6 then lo.id end
  from bench_facts f
  cross join lateral (
    select 1 as k, f.registered_at + (f.milestone_at - f.registered_at) * (0.15 + 0.3 * ${u(1, '1')}) as sent_at, 15 as allowed,
           ${pick(QUESTIONS.slice(0, 1), u(2, '1'))} as question
     where ${u(0, '1')} < 0.18 and f.milestone_at is not null
    union all
    select 2, f.milestone_at + (f.draft_at - f.milestone_at) * (0.05 + 0.15 * ${u(1, '2')}), 20, ${pick(QUESTIONS.slice(1), u(2, '2'))}
     where f.investigated and ${u(0, '2')} < 0.75 and f.draft_at is not null
  ) s
  join calendar_days wf on wf.day = ${dayOf('s.sent_at')}
  join bench_working_days wt on wt.n = wf.working_day_number + s.allowed
  cross join lateral (select case when ${u(3, 's.k')} < 0.75 then s.sent_at + (${londonAt('wt.day', '43200')} - s.sent_at) * (0.3 + 0.7 * ${u(4, 's.k')})
                                  else ${londonAt('wt.day', '43200')} + interval '1 day' * (1 + floor(${u(4, 's.k')} * 15)) end as answered offset 0) a
  left join ${FIRST_LINK_OFFICER} lo on lo.body_id = f.body_id
 where f.id between ${lo} and ${hi} and s.sent_at <= ${NOW_SQL}`;
}

/** The draft (id = case × 2 - 1) and final (case × 2) decisions of detailed investigations. */
export function decisionsSql(lo: number, hi: number): string {
  const reasons = (kind: string) => `case f.outcome ${Object.entries(DECISION_REASONS).map(([o, text]) => `when ${literal(o)} then ${literal(`${kind} decision. ${text}`)}`).join(' ')} else '${kind} decision.' end`;
  return `
insert into decisions (id, case_id, kind, outcome, made_by, made_at, comments_due_on, reasons_text)
select f.id * 2 - 1, f.id, 'draft', f.outcome, f.owner_id, f.draft_at, wt.day, ${reasons('Draft')}
  from bench_facts f
  join calendar_days wf on wf.day = ${dayOf('f.draft_at')}
  join bench_working_days wt on wt.n = wf.working_day_number + 10
 where f.id between ${lo} and ${hi} and f.investigated and f.draft_at <= ${NOW_SQL}
union all
select f.id * 2, f.id, 'final', f.outcome, f.owner_id, f.decided_at, null, ${reasons('Final')}
  from bench_facts f
 where f.id between ${lo} and ${hi} and f.investigated and f.decided_at <= ${NOW_SQL}`;
}

/**
 * Remedies of upheld decisions (id = case × 8 + slot), each due 20 or 60 working days after the
 * decision. The last is settled on the day the case closed; the others between the decision and
 * then. Settled ones are complied with on time or late by their dates (2.5% not complied);
 * unsettled ones are pending (late once past due; "delayed" a year after it).
 */
export function remediesSql(lo: number, hi: number, shape: Shape): string {
  const u = (k: number) => uniform(shape.seed, 800 + k, 'f.id * 8 + k.slot');
  const slots = REMEDY_SLOTS.map((r) => `(${r.slot}, ${literal(r.kind)}, ${r.days}, ${literal(r.text)})`).join(', ');
  const done = `(st.settled_at <= ${NOW_SQL})`;
  const delayed = `(not ${done} and wt.day + 365 < ${dayOf(NOW_SQL)})`;
  return `
insert into remedies (id, case_id, decision_id, kind, amount_pence, due_on, status, settled_on, recorded_at, description_text, evidence_text,
                      satisfaction, satisfaction_recorded_at, delayed_at, delayed_due_on, confirmed_by_link_officer_id)
select f.id * 8 + k.slot, f.id, f.id * 2, k.kind,
       case when k.kind = 'financial-payment' then ${pickNumber(PAYMENTS_PENCE, u(1))} end,
       wt.day,
       case when not ${done} then 'pending' when ${u(3)} < 0.025 then 'not-complied'
            when ${dayOf('st.settled_at')} <= wt.day then 'complied-on-time' else 'complied-late' end,
       case when ${done} then ${dayOf('st.settled_at')} end,
       case when ${done} then st.settled_at end,
       case when k.kind = 'financial-payment' then 'Pay the complainant for the distress and uncertainty caused.' else k.text end,
       case when ${done} then 'The body sent evidence of what it did.' end,
       case when ${done} then (case when ${u(4)} < 0.7 then 'satisfied' when ${u(4)} < 0.9 then 'partly-satisfied' else 'not-satisfied' end) end,
       case when ${done} then st.settled_at end,
       case when ${delayed} then ${londonAt('wt.day + 365', '32400')} end,
       case when ${delayed} then wt.day + 365 + 84 end,
       case when ${done} and ${u(5)} < 0.5 then lo.id end
  from bench_facts f
  cross join (values ${slots}) k(slot, kind, days, text)
  join calendar_days wf on wf.day = ${dayOf('f.decided_at')}
  join bench_working_days wt on wt.n = wf.working_day_number + k.days
  -- The last remedy is settled when the case closes, the others between the decision and then (a stuck case's closure never comes).
  cross join lateral (select case when f.remedies < (1 << k.slot) then coalesce(f.closed_at, f.decided_at + interval '2 years')
                                  else f.decided_at + (coalesce(f.closed_at, f.decided_at + interval '2 years') - f.decided_at) * ${u(2)} end as settled_at offset 0) st
  left join ${FIRST_LINK_OFFICER} lo on lo.body_id = f.body_id
 where f.id between ${lo} and ${hi} and f.decided_at <= ${NOW_SQL} and f.remedies & (1 << (k.slot - 1)) <> 0`;
}

/** The window in which something can happen on a case: from registration to its closure (or NOW). */
const caseEnd = `least(coalesce(f.closed_at, ${NOW_SQL}), ${NOW_SQL})`;

/** Documents' metadata (id = case × 10 + k): 0-2 for an assessment, 1-4 for an investigation; the files themselves are not made. */
export function documentsSql(lo: number, hi: number, shape: Shape): string {
  const u = (k: number) => uniform(shape.seed, 900 + k, 'f.id * 10 + k.k');
  return `
insert into documents (id, case_id, file_name, content_type, size_bytes, sha256, storage_key, uploaded_by, uploaded_at, uploaded_by_person_id, scan_status)
select f.id * 10 + k.k, f.id, d.name, d.type, 20000 + floor(${u(2)} * 2000000)::int,
       encode(sha256(convert_to('bench-document-' || (f.id * 10 + k.k), 'UTF8')), 'hex'), 'bench/' || (f.id * 10 + k.k),
       case when ${u(3)} >= 0.6 then coalesce(case when f.milestone_at <= ${NOW_SQL} and f.investigated then f.owner_id end, f.assessor_id) end,
       f.registered_at + (${caseEnd} - f.registered_at) * ${u(4)},
       case when ${u(3)} < 0.6 then ${complainantId('f.id')} end,
       case when ${u(3)} < 0.6 then 'clean' else 'not-scanned' end
  from bench_facts f
  cross join lateral (select (case when f.investigated then 1 + floor(${uniform(shape.seed, 900, 'f.id')} * 4) else floor(${uniform(shape.seed, 900, 'f.id')} * 2.2) end)::int as n) c
  cross join lateral generate_series(1, c.n) k(k)
  cross join lateral (select (array[${DOCUMENTS.map(([n]) => literal(n)).join(', ')}])[1 + floor(${u(1)} * ${DOCUMENTS.length})::int] as name) dn
  cross join lateral (select dn.name, case ${DOCUMENTS.map(([n, t]) => `when dn.name = ${literal(n)} then ${literal(t)}`).join(' ')} end as type) d
 where f.id between ${lo} and ${hi}`;
}

/** Messages with the complainant (id = case × 20 + k): 0-6 a case, alternately from them and from us. */
export function messagesSql(lo: number, hi: number, shape: Shape): string {
  const u = (k: number) => uniform(shape.seed, 1000 + k, 'f.id * 20 + k.k');
  return `
insert into messages (id, case_id, from_person_id, from_staff_id, sent_at, read_at, body_text)
select f.id * 20 + k.k, f.id,
       case when k.k % 2 = 1 then ${complainantId('f.id')} end,
       case when k.k % 2 = 0 then coalesce(case when f.milestone_at <= ${NOW_SQL} and f.investigated then f.owner_id end, f.assessor_id) end,
       m.sent_at,
       case when m.sent_at + interval '1 hour' * (2 + floor(${u(2)} * 70)) <= ${NOW_SQL} then m.sent_at + interval '1 hour' * (2 + floor(${u(2)} * 70)) end,
       case when k.k % 2 = 1 then ${pick(COMPLAINANT_MESSAGES, u(3))} else ${pick(STAFF_MESSAGES, u(3))} end
  from bench_facts f
  cross join lateral (select floor(power(${uniform(shape.seed, 1000, 'f.id')}, 2) * 7)::int as n) c
  cross join lateral generate_series(1, c.n) k(k)
  cross join lateral (select f.registered_at + (${caseEnd} - f.registered_at) * ((k.k - 1 + ${u(1)}) / c.n) as sent_at) m
 where f.id between ${lo} and ${hi}`;
}

/** Joint working with the health ombudsman, for joint cases: started two days after registration. */
export function jointWorkingSql(lo: number, hi: number): string {
  return `
insert into joint_working (case_id, consent_to_joint_at, consent_to_share_at, started_at, ended_at)
select f.id, f.registered_at + interval '1 day', f.registered_at + interval '1 day', f.registered_at + interval '2 days',
       case when f.closed_at <= ${NOW_SQL} then f.closed_at end
  from bench_facts f
 where f.id between ${lo} and ${hi} and f.joint and f.registered_at + interval '2 days' <= ${NOW_SQL}`;
}

/**
 * The timeline (id = case × 100 + its place): every event the services would have appended,
 * from the facts and from the rows written above (found by primary key ranges), in time order.
 */
export function caseEventsSql(lo: number, hi: number, shape: Shape): string {
  const { seed } = shape;
  const allocated = `f.investigated and f.milestone_at <= ${NOW_SQL}`;
  const assessmentClosed = `not f.investigated and f.closed_at <= ${NOW_SQL}`;
  const noteU = (k: number) => uniform(seed, 1100 + k, 'f.id * 4 + k.k');
  return `
insert into case_events (id, case_id, occurred_at, actor_id, kind, facts, detail_text)
select e.case_id::bigint * 100 + row_number() over (partition by e.case_id order by e.at, e.ord, e.sub), e.case_id, e.at, e.actor, e.kind, e.facts, e.detail
  from (
    select f.id as case_id, f.registered_at as at, 0 as ord, 0::bigint as sub, case when f.channel = 'web' then null else f.intake_id end as actor,
           'case-registered' as kind,
           jsonb_build_object('channel', f.channel, 'receivedAt', ${isoText('f.received_at')}, 'category', f.category, 'subcategory', f.subcategory,
                              'jurisdiction', f.jurisdiction, 'bodyIds', jsonb_build_array(f.body_id)) as facts,
           c.summary_text as detail
      from bench_facts f join cases c on c.id = f.id
     where f.id between ${lo} and ${hi}
    union all
    select j.case_id, j.started_at, 1, 0, null, 'joint-working-started',
           jsonb_build_object('consentGivenOn', ${dayOf('j.consent_to_joint_at')}, 'previousTeam', 'assessment'), null
      from joint_working j where j.case_id between ${lo} and ${hi}
    union all
    select q.case_id, q.sent_at, 2, q.id, null, 'enquiry-sent', jsonb_build_object('enquiryId', q.id, 'bodyId', q.body_id, 'dueOn', q.due_on), q.question_text
      from enquiries q where q.id between ${lo} * 4 and ${hi} * 4 + 3
    union all
    select q.case_id, q.responded_at, 3, q.id, null, 'enquiry-response-recorded',
           jsonb_build_object('enquiryId', q.id, 'late', ${dayOf('q.responded_at')} > q.due_on), q.response_text
      from enquiries q where q.id between ${lo} * 4 and ${hi} * 4 + 3 and q.responded_at is not null
    union all
    select f.id, f.closed_at, 5, 0, f.assessor_id, case when f.outcome = 'referred-back-for-local-resolution' then 'referred-back' else 'assessment-closed' end,
           jsonb_build_object('outcome', f.outcome, 'reason', f.closing_reason),
           case when f.outcome = 'referred-back-for-local-resolution' then ${literal(REFERRED_BACK)} else ${literal(CLOSING_EXPLANATION)} end
      from bench_facts f where f.id between ${lo} and ${hi} and ${assessmentClosed}
    union all
    select f.id, f.passed_at, 5, 0, f.assessor_id, 'passed-for-investigation', jsonb_build_object('from', 'assessment'), null
      from bench_facts f where f.id between ${lo} and ${hi} and f.investigated and f.passed_at <= ${NOW_SQL}
    union all
    select f.id, f.milestone_at, 6, 0, f.manager_id, 'allocated',
           jsonb_build_object('investigatorId', f.owner_id, 'investigatorName', u.display_name, 'reallocation', false), null
      from bench_facts f join staff_users u on u.id = f.owner_id where f.id between ${lo} and ${hi} and ${allocated}
    union all
    select d.case_id, d.made_at, 7, d.id, d.made_by, 'draft-decision-shared',
           jsonb_build_object('decisionId', d.id, 'outcome', d.outcome, 'commentsDueOn', d.comments_due_on), d.reasons_text
      from decisions d where d.id between ${lo} * 2 - 1 and ${hi} * 2 and d.kind = 'draft'
    union all
    select d.case_id, d.made_at, 8, d.id, d.made_by, 'final-decision-issued',
           jsonb_build_object('decisionId', d.id, 'outcome', d.outcome, 'remedies',
             coalesce((select jsonb_agg(jsonb_build_object('id', r.id, 'kind', r.kind, 'amountPence', r.amount_pence, 'dueOn', r.due_on) order by r.id)
                         from remedies r where r.id between d.case_id * 8 and d.case_id * 8 + 7), '[]'::jsonb)), d.reasons_text
      from decisions d where d.id between ${lo} * 2 - 1 and ${hi} * 2 and d.kind = 'final'
    union all
    select r.case_id, r.recorded_at, 9, r.id, f.owner_id, 'compliance-recorded',
           jsonb_build_object('remedyId', r.id, 'kind', r.kind, 'status', r.status, 'settledOn', r.settled_on, 'dueOn', r.due_on), r.evidence_text
      from remedies r join bench_facts f on f.id = r.case_id where r.id between ${lo} * 8 and ${hi} * 8 + 7 and r.recorded_at is not null
    union all
    select f.id, f.closed_at, 10, 0, case when f.investigated then f.owner_id else f.assessor_id end, 'case-closed',
           jsonb_build_object('from', case when not f.investigated then 'assessment' when f.remedies > 0 then 'compliance' else 'draft-decision' end, 'outcome', f.outcome), null
      from bench_facts f where f.id between ${lo} and ${hi} and f.closed_at <= ${NOW_SQL}
    union all
    select d.case_id, d.uploaded_at, 4, d.id, d.uploaded_by, 'document-added', jsonb_build_object('documentId', d.id, 'sha256', d.sha256, 'size', d.size_bytes), d.file_name
      from documents d where d.id between ${lo} * 10 and ${hi} * 10 + 9
    union all
    select m.case_id, m.sent_at, 4, m.id, m.from_staff_id, case when m.from_person_id is null then 'message-sent' else 'message-received' end,
           case when m.from_person_id is null then jsonb_build_object('messageId', m.id)
                else jsonb_build_object('messageId', m.id, 'fromPersonId', m.from_person_id, 'from', 'complainant') end, m.body_text
      from messages m where m.id between ${lo} * 20 and ${hi} * 20 + 19
    union all
    select f.id, f.registered_at + (${caseEnd} - f.registered_at) * ${noteU(1)}, 4, k.k, coalesce(case when ${allocated} then f.owner_id end, f.assessor_id),
           'note-added', '{}'::jsonb, ${pick(NOTES, noteU(2))}
      from bench_facts f cross join lateral generate_series(1, floor(${uniform(seed, 1100, 'f.id')} * 3)::int) k(k)
     where f.id between ${lo} and ${hi}
  ) e`;
}
