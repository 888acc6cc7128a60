import { sql, type Kysely } from 'kysely';
import type { Database } from '../../data/schema.ts';
import { categories } from '../../domain/categories.ts';
import { finalDecisionOutcomes } from '../../domain/vocabulary.ts';

/**
 * Fictional published decisions made in bulk, in one set-based statement: for the demo, for
 * tests that page through many results, and for checking the search's query plans over twenty
 * years of decisions. Every case is closed, imported, with one body and a final decision whose
 * statement is assembled from stock sentences about its category, drafted by one person and
 * approved by another, as the real ones are.
 *
 * References are "YY 9NN NNN" (sequence 900,001 upwards within each year) so they stay clear of
 * those intake gives out; unique while a year holds fewer than 100,000 of them.
 */
export interface SampleDecisions {
  count: number;
  bodyIds: readonly number[];
  drafterId: number;
  approverId: number;
  /** Decisions are spread evenly over this many years up to `until`. */
  years: number;
  until: Date;
  /** Leave every `unpublishedEvery`th one approved but not published (0: publish all). */
  unpublishedEvery?: number;
}

const subcategoryPairs = Object.entries(categories).flatMap(([category, subs]) => subs.map((sub) => [category, sub] as const));

const openings = [
  'The complainant said the council did not deal properly with their request about',
  'Mrs X complained that the council delayed its decision on',
  'Mr Y complained about the way the council handled',
  'The complainant’s daughter complained on her mother’s behalf about',
  'Ms Z said the care provider did not follow its own policy on',
];
// In the order of finalDecisionOutcomes, so what a statement says agrees with its outcome.
const findings = [
  'We found the council at fault because it did not keep proper records and did not reply to letters within its published timescales, which caused avoidable distress.',
  'The council failed to follow the statutory guidance, but this did not change the outcome for the complainant.',
  'The council accepted it had delayed and had already apologised and offered a payment, which we consider a suitable remedy.',
  'We found no fault in the way the council reached its decision: it considered the evidence and explained its reasons.',
];
const remedies = [
  'The council agreed to apologise in writing and pay £250 for the distress caused, and to review its procedures within three months.',
  'The council agreed to remind its staff of the guidance.',
  'We did not recommend a further remedy because the council had already put things right.',
  'We did not recommend a remedy because there was no fault.',
];
const background = [
  'Councils must make decisions within a reasonable time and keep the person informed of progress.',
  'The law says the council must assess the needs of anyone who appears to need support.',
  'We looked at the council’s records, its policy, and what the complainant told us.',
  'We shared a draft of this decision with both parties and considered their comments.',
  'Temporary accommodation such as bed and breakfast should be used only in an emergency and for no longer than six weeks.',
  'Parking enforcement must follow the statutory guidance on penalty charge notices and appeals.',
];

function textArray(values: readonly string[]) {
  return sql`array[${sql.join(values.map((v) => sql.lit(v)))}]::text[]`;
}

/** Inserts the sample decisions and returns how many were written. */
export async function insertSampleDecisions(db: Kysely<Database>, sample: SampleDecisions): Promise<number> {
  if (sample.count < 1 || sample.bodyIds.length === 0) return 0;
  const spanSeconds = Math.max(1, sample.years) * 365.25 * 86_400;
  const pairs = textArray(subcategoryPairs.map(([category, sub]) => `${category}\t${sub}`));
  const result = await sql<{ written: number }>`
    with src as (
      select i,
        ${pairs} as pairs,
        ${sql.lit(sample.until.toISOString())}::timestamptz - make_interval(secs => (i::float8 / ${sample.count}) * ${spanSeconds}) as made_at,
        (${sql.val([...sample.bodyIds])}::int[])[1 + (i % ${sample.bodyIds.length})] as body_id,
        1 + ((i * 7) % ${finalDecisionOutcomes.length}) as outcome_index
      from generate_series(1, ${sample.count}) as i
    ),
    shaped as (
      select src.*,
        split_part(pairs[1 + ((i * 13) % array_length(pairs, 1))], E'\\t', 1) as category,
        split_part(pairs[1 + ((i * 13) % array_length(pairs, 1))], E'\\t', 2) as subcategory,
        lpad((extract(year from made_at at time zone 'Europe/London')::int % 100)::text, 2, '0') as year_digits,
        (900000 + i % 100000)::text as sequence
      from src
    ),
    texts as (
      select shaped.*,
        (${textArray(openings)})[1 + (i % ${openings.length})] || ' ' || lower(subcategory) || '.' as summary_start,
        (${textArray(finalDecisionOutcomes)})[outcome_index] as outcome,
        (${textArray(findings)})[outcome_index] as finding,
        (${textArray(remedies)})[outcome_index] as remedy,
        (${textArray(background)})[1 + ((i * 11) % ${background.length})] || ' ' || (${textArray(background)})[1 + ((i * 17 + 1) % ${background.length})] as context
      from shaped
    ),
    final as materialized (
      select texts.*,
        -- Ids drawn up front, so the inserts below need no joins to find each other's rows.
        nextval(pg_get_serial_sequence('cases', 'id'))::int as case_id,
        nextval(pg_get_serial_sequence('decisions', 'id'))::int as decision_id,
        year_digits || ' ' || substr(sequence, 1, 3) || ' ' || substr(sequence, 4, 3) as reference,
        summary_start || ' ' || finding as summary,
        'The complaint' || E'\\n\\n' || summary_start || E'\\n\\n' || 'What happened' || E'\\n\\n' || context || ' ' || context || E'\\n\\n'
          || 'What we found' || E'\\n\\n' || finding || ' ' || context || E'\\n\\n' || 'Agreed action' || E'\\n\\n' || remedy as statement
      from texts
      -- Run again, it adds only what is missing.
      where not exists (select 1 from cases c where c.reference = year_digits || ' ' || substr(sequence, 1, 3) || ' ' || substr(sequence, 4, 3))
    ),
    new_cases as (
      insert into cases (id, reference, received_at, registered_at, category, subcategory, jurisdiction, stage, team, decided_at, closed_at, outcome, imported)
      select case_id, reference, made_at - interval '120 days', made_at - interval '120 days', category, subcategory, 'local-government', 'closed', 'investigation', made_at, made_at, outcome, true
      from final
    ),
    bodies_of_cases as (
      insert into case_bodies (case_id, body_id) select case_id, body_id from final
    ),
    new_decisions as (
      insert into decisions (id, case_id, kind, outcome, made_by, made_at, reasons_text)
      select decision_id, case_id, 'final', outcome, ${sample.drafterId}, made_at, statement from final
    ),
    published as (
      insert into published_decisions (case_id, decision_id, summary_text, statement_text, drafted_by, drafted_at, approved_by, approved_at, published_at)
      select case_id, decision_id, summary, statement, ${sample.drafterId}, made_at + interval '5 days', ${sample.approverId}, made_at + interval '8 days',
        case when ${sample.unpublishedEvery ?? 0} > 0 and i % ${Math.max(1, sample.unpublishedEvery ?? 1)} = 0 then null else made_at + interval '9 days' end
      from final
      returning id
    )
    select count(*)::int as written from published`.execute(db);
  return Number(result.rows[0]?.written ?? 0);
}
