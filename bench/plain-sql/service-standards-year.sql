-- The LGO service standards for one period, as one plain SQL statement: the baseline that
-- bench/service-standards.ts times our serviceStandardsReport against. It implements the
-- definitions in src/domain/service-standards.ts over the Redress schema (calls, contacts,
-- cases and the derived calendar_days table), needs nothing else, and prints one line per
-- standard:
--
--   id|numerator|denominator|previous_numerator|previous_denominator|peak_on|count_on_last_day|last_day
--
-- (shares: records met | records counted; means: total | records; counts and the 52-week peak:
-- the figure | empty; previous_*: the period of the same length before, for the joint working
-- standards; the last three: the 52-week peak only). Nulls print as empty fields.
--
--   psql -X -q -v from=2018-04-01 -v to=2019-03-31 -v now=2019-06-30T11:00:00Z \
--        -c '\timing on' -f bench/plain-sql/service-standards-year.sql postgres://...
--
-- from, to: London dates, both included. now: the instant the report is measured at (open items
-- past due by then are misses; days after it have not happened).
--
-- Working as the pure definitions do:
-- - the London date of an instant x is (x at time zone 'Europe/London')::date; "its date is in
--   [from, to]" is written as x >= London midnight of from and x < London midnight of to + 1,
--   so the indexes on the timestamps are used;
-- - the London instants a row is compared with are worked out once per day of the period
--   (period_days) and joined on the row's date, rather than converted row by row. It is NOT
--   MATERIALIZED: inlined, the planner knows its size; materialized, it has no statistics and
--   the planner sorts 300,000 rows to merge. Its `offset 0` keeps it a subquery of its own:
--   merged into the query that joins it, its instants are worked out again for every row;
-- - rows are joined to period_days on the London dates of receipt and closure, with
--   "its date is in [from, to]" written on that date, so the indexes on those dates (migration
--   2026-11-26-008) give each day's rows without a conversion or a read of the table.

\set ON_ERROR_STOP on
\pset format unaligned
\pset tuples_only on
\pset fieldsep '|'
\pset null ''

-- Constants, folded by the planner (date arithmetic and `at time zone` are immutable).
\set from_day '(' :'from' '::date)'
\set to_day '(' :'to' '::date)'
\set now_at '(' :'now' '::timestamptz)'
\set days '(' :to_day ' - ' :from_day ' + 1)'
\set today '((' :now_at ' at time zone ''Europe/London'')::date)'
\set period_start '(' :from_day '::timestamp at time zone ''Europe/London'')'
\set period_end '((' :to_day ' + 1)::timestamp at time zone ''Europe/London'')'
\set previous_start '((' :from_day ' - ' :days ')::timestamp at time zone ''Europe/London'')'
-- The last day the 52-week peak is measured to: the earlier of `to` and London today; null before the period.
\set last_day '(case when least(' :to_day ', ' :today ') >= ' :from_day ' then least(' :to_day ', ' :today ') end)'
\set days_measured '(' :last_day ' - ' :from_day ' + 1)'

with period_days as not materialized (
  select day, working, twentieth_working_day,
         (day + 1)::timestamp at time zone 'Europe/London' as next_midnight,
         next_working_day::timestamp at time zone 'Europe/London' as next_working_midnight,
         (twentieth_working_day + 1)::timestamp at time zone 'Europe/London' as twentieth_ends,
         -- date(closed) - date(received) < 91, 182, 364 exactly when received at or after these
         (day - 90)::timestamp at time zone 'Europe/London' as received_from_13,
         (day - 181)::timestamp at time zone 'Europe/London' as received_from_26,
         (day - 363)::timestamp at time zone 'Europe/London' as received_from_52
    from calendar_days
   where day between :from_day and :to_day
  offset 0
),

-- Calls presented in the period: answered; answered within 60 s; mean wait of those answered.
call_figures as (
  select count(*) as presented,
         count(answered_at) as answered,
         count(*) filter (where answered_at <= presented_at + interval '60 seconds') as within_60s,
         coalesce(extract(epoch from sum(answered_at - presented_at)) * 1000, 0) as wait_ms
    from calls
   where presented_at >= :period_start and presented_at < :period_end
),

-- Written contacts received in the period, due 24 working hours after receipt (the clock runs
-- only on working days, on the London wall clock); not yet dealt with and not yet due: left out.
contact_figures as (
  select count(*) filter (where dealt_with_at is not null or due < :now_at) as counted,
         count(*) filter (where dealt_with_at <= due) as met
    from (select k.dealt_with_at,
                 case when pd.working and k.received_at + interval '24 hours' <= pd.next_midnight
                        then k.received_at + interval '24 hours'
                      when pd.working
                        then pd.next_working_midnight + ((k.received_at + interval '24 hours') - pd.next_midnight)
                      else pd.next_working_midnight + interval '24 hours'
                 end as due
            from contacts k
            join period_days pd on pd.day = (k.received_at at time zone 'Europe/London')::date
           where k.channel in ('email', 'letter', 'web')
             and (k.received_at at time zone 'Europe/London')::date between :from_day and :to_day) x
),

-- Cases received in the period: decided or allocated (the earlier) by the 20th working day;
-- one with neither is a miss once that day has passed, and left out before.
received_figures as (
  select count(*) filter (where c.milestone is not null or :today > pd.twentieth_working_day) as counted,
         count(*) filter (where c.milestone < pd.twentieth_ends) as met
    from (select received_at, least(assessment_decided_at, allocated_at) as milestone
            from cases
           where (received_at at time zone 'Europe/London')::date between :from_day and :to_day) c
    join period_days pd on pd.day = (c.received_at at time zone 'Europe/London')::date
),

-- Cases closed in the period, by stage (investigation if ever allocated), within 13, 26, 52 weeks.
closure_figures as (
  select count(*) filter (where allocated_at is null) as assessment,
         count(*) filter (where allocated_at is null and received_at >= received_from_13) as assessment_13,
         count(*) filter (where allocated_at is null and received_at >= received_from_26) as assessment_26,
         count(*) filter (where allocated_at is null and received_at >= received_from_52) as assessment_52,
         count(*) filter (where allocated_at is not null) as investigation,
         count(*) filter (where allocated_at is not null and received_at >= received_from_13) as investigation_13,
         count(*) filter (where allocated_at is not null and received_at >= received_from_26) as investigation_26,
         count(*) filter (where allocated_at is not null and received_at >= received_from_52) as investigation_52
    from cases c
    join period_days pd on pd.day = (c.closed_at at time zone 'Europe/London')::date
   where (c.closed_at at time zone 'Europe/London')::date between :from_day and :to_day
),

-- Held in investigation and over 52 weeks old on day D: allocated on or before D, D - date
-- received > 364, and not closed by the end of D. Each case held on some day measured is a span
-- [s, e) of day numbers (0 = from); the daily count changes only where a span starts or ends.
held as (
  select greatest(0, greatest((allocated_at at time zone 'Europe/London')::date,
                              (received_at at time zone 'Europe/London')::date + 365) - :from_day) as s,
         coalesce(least(:days_measured, (closed_at at time zone 'Europe/London')::date - :from_day), :days_measured) as e
    from (select received_at, allocated_at, closed_at
            from cases
           where allocated_at is not null
             and allocated_at < ((:last_day + 1)::timestamp at time zone 'Europe/London')
             and received_at < ((:last_day - 364)::timestamp at time zone 'Europe/London')
             and closed_at >= ((:from_day + 1)::timestamp at time zone 'Europe/London')
             -- held on a day only if closed 366 or more London dates after receipt, so over 365 days less an hour later
             and closed_at > received_at + interval '8736 hours'
          -- "closed_at is null or ..." as two index ranges (allocated cases by closure), not one scan of the table
          union all
          select received_at, allocated_at, closed_at
            from cases
           where allocated_at is not null
             and allocated_at < ((:last_day + 1)::timestamp at time zone 'Europe/London')
             and received_at < ((:last_day - 364)::timestamp at time zone 'Europe/London')
             and closed_at is null) c
),
changes as (
  select s as d, 1 as delta from held where s < e
  union all
  select e as d, -1 as delta from held where s < e and e < :days_measured
),
running as (
  select d, sum(sum(delta)) over (order by d) as n from changes group by d
),
peak_figure as (
  select p.peak,
         case when p.peak is null then null
              when p.peak = 0 then :from_day
              else :from_day + (select min(d) from running where n = p.peak)::int end as peak_on,
         case when p.peak is null then null else (select coalesce(sum(delta), 0) from changes) end as count_on_last_day,
         :last_day as last_day
    from (select case when :last_day is null then null else greatest(0, coalesce((select max(n) from running), 0)) end as peak) p
),

-- Joint cases allocated (or decided: closed with an outcome) in this period or the one before,
-- with the working days from the date received: working_day_number(b) - working_day_number(a).
joint_cases as (
  select c.allocated_at, c.closed_at, c.outcome is not null as decided,
         a.working_day_number - r.working_day_number as to_allocation,
         z.working_day_number - r.working_day_number as to_decision
    from cases c
    join calendar_days r on r.day = (c.received_at at time zone 'Europe/London')::date
    left join calendar_days a on a.day = (c.allocated_at at time zone 'Europe/London')::date
    left join calendar_days z on z.day = (c.closed_at at time zone 'Europe/London')::date
   where c.joint
     and ((c.allocated_at >= :previous_start and c.allocated_at < :period_end)
          or (c.closed_at >= :previous_start and c.closed_at < :period_end and c.outcome is not null))
),
joint_figures as (
  select count(*) filter (where allocated_at >= :period_start and allocated_at < :period_end) as allocated,
         coalesce(sum(to_allocation) filter (where allocated_at >= :period_start and allocated_at < :period_end), 0) as allocated_days,
         count(*) filter (where allocated_at >= :previous_start and allocated_at < :period_start) as allocated_before,
         coalesce(sum(to_allocation) filter (where allocated_at >= :previous_start and allocated_at < :period_start), 0) as allocated_days_before,
         count(*) filter (where decided and closed_at >= :period_start and closed_at < :period_end) as decided,
         coalesce(sum(to_decision) filter (where decided and closed_at >= :period_start and closed_at < :period_end), 0) as decided_days,
         count(*) filter (where decided and closed_at >= :previous_start and closed_at < :period_start) as decided_before,
         coalesce(sum(to_decision) filter (where decided and closed_at >= :previous_start and closed_at < :period_start), 0) as decided_days_before
    from joint_cases
)

select v.*
  from call_figures cf, contact_figures kf, received_figures rf, closure_figures cl, peak_figure pk, joint_figures jf,
       lateral (values
         ('intake.calls-answered', cf.answered::numeric, cf.presented::numeric, null::numeric, null::numeric, null::date, null::numeric, null::date),
         ('intake.calls-answered-within-60s', cf.within_60s, cf.answered, null, null, null, null, null),
         ('intake.average-answer-seconds', cf.wait_ms / 1000, cf.answered, null, null, null, null, null),
         ('intake.written-contacts-within-24h', kf.met, kf.counted, null, null, null, null, null),
         ('intake.decided-or-allocated-within-20-working-days', rf.met, rf.counted, null, null, null, null, null),
         ('assessment.closed-within-13-weeks', cl.assessment_13, cl.assessment, null, null, null, null, null),
         ('assessment.closed-within-26-weeks', cl.assessment_26, cl.assessment, null, null, null, null, null),
         ('assessment.closed-within-52-weeks', cl.assessment_52, cl.assessment, null, null, null, null, null),
         ('investigation.closed-within-13-weeks', cl.investigation_13, cl.investigation, null, null, null, null, null),
         ('investigation.closed-within-26-weeks', cl.investigation_26, cl.investigation, null, null, null, null, null),
         ('investigation.closed-within-52-weeks', cl.investigation_52, cl.investigation, null, null, null, null, null),
         ('investigation.outstanding-over-52-weeks', pk.peak, null, null, null, pk.peak_on, pk.count_on_last_day, pk.last_day),
         ('joint.average-working-days-to-allocate', jf.allocated_days, jf.allocated, jf.allocated_days_before, jf.allocated_before, null, null, null),
         ('joint.decisions', jf.decided, null, jf.decided_before, null, null, null, null),
         ('joint.average-working-days-to-decision', jf.decided_days, jf.decided, jf.decided_days_before, jf.decided_before, null, null, null)
       ) as v (id, numerator, denominator, previous_numerator, previous_denominator, peak_on, count_on_last_day, last_day);
