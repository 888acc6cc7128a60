-- standards: the statements the server sends for one request, as captured by bench/capture-sql.ts.
-- twenty-working-days runs once for the year and once for each of the 12 months of the trend chart.
-- (the session statements they share are in session.sql).

-- name: standards-configuration
select * from "service_standards" order by "position", "id";

-- name: calls
select count(*) as presented,
           count(answered_at) as answered,
           count(*) filter (where answered_at <= presented_at + interval '60 seconds') as within,
           extract(epoch from sum(answered_at - presented_at)) * 1000 as wait_ms
      from calls
     where presented_at >= $1::timestamptz and presented_at < $2::timestamptz;

-- name: written-contacts
select count(*) filter (where dealt_with_at is not null or due < $1::timestamptz) as counted,
           count(*) filter (where dealt_with_at <= due) as met
      from (select k.dealt_with_at, case
      when pd.working and k.received_at + interval '24 hours' <= pd.next_midnight
        then k.received_at + interval '24 hours'
      when pd.working
        then pd.next_working_midnight + ((k.received_at + interval '24 hours') - pd.next_midnight)
      else pd.next_working_midnight + interval '24 hours'
    end as due
              from contacts k
              join (select day, working, twentieth_working_day,
            ((day + 1)::timestamp at time zone 'Europe/London') as next_midnight,
            ((next_working_day)::timestamp at time zone 'Europe/London') as next_working_midnight,
            ((twentieth_working_day + 1)::timestamp at time zone 'Europe/London') as twentieth_ends,
            ((day - 90)::timestamp at time zone 'Europe/London') as received_from_13,
            ((day - 181)::timestamp at time zone 'Europe/London') as received_from_26,
            ((day - 363)::timestamp at time zone 'Europe/London') as received_from_52
       from calendar_days
      where day between $2::date and $3::date
     offset 0) pd on pd.day = (k.received_at at time zone 'Europe/London')::date
             where k.channel in ('email', 'letter', 'web')
               and (k.received_at at time zone 'Europe/London')::date between $4::date and $5::date) x;

-- name: twenty-working-days
select count(*) filter (where milestone is not null or $1::date > pd.twentieth_working_day) as counted,
           count(*) filter (where milestone < pd.twentieth_ends) as met
      from (select received_at, least(assessment_decided_at, allocated_at) as milestone
              from cases
             where (received_at at time zone 'Europe/London')::date between $2::date and $3::date) c
      join (select day, working, twentieth_working_day,
            ((day + 1)::timestamp at time zone 'Europe/London') as next_midnight,
            ((next_working_day)::timestamp at time zone 'Europe/London') as next_working_midnight,
            ((twentieth_working_day + 1)::timestamp at time zone 'Europe/London') as twentieth_ends,
            ((day - 90)::timestamp at time zone 'Europe/London') as received_from_13,
            ((day - 181)::timestamp at time zone 'Europe/London') as received_from_26,
            ((day - 363)::timestamp at time zone 'Europe/London') as received_from_52
       from calendar_days
      where day between $4::date and $5::date
     offset 0) pd on pd.day = (c.received_at at time zone 'Europe/London')::date;

-- name: closures
select count(*) filter (where allocated_at is null) as assessment,
           count(*) filter (where allocated_at is null and received_at >= received_from_13) as assessment_13,
           count(*) filter (where allocated_at is null and received_at >= received_from_26) as assessment_26,
           count(*) filter (where allocated_at is null and received_at >= received_from_52) as assessment_52,
           count(*) filter (where allocated_at is not null) as investigation,
           count(*) filter (where allocated_at is not null and received_at >= received_from_13) as investigation_13,
           count(*) filter (where allocated_at is not null and received_at >= received_from_26) as investigation_26,
           count(*) filter (where allocated_at is not null and received_at >= received_from_52) as investigation_52
      from cases c
      join (select day, working, twentieth_working_day,
            ((day + 1)::timestamp at time zone 'Europe/London') as next_midnight,
            ((next_working_day)::timestamp at time zone 'Europe/London') as next_working_midnight,
            ((twentieth_working_day + 1)::timestamp at time zone 'Europe/London') as twentieth_ends,
            ((day - 90)::timestamp at time zone 'Europe/London') as received_from_13,
            ((day - 181)::timestamp at time zone 'Europe/London') as received_from_26,
            ((day - 363)::timestamp at time zone 'Europe/London') as received_from_52
       from calendar_days
      where day between $1::date and $2::date
     offset 0) pd on pd.day = (c.closed_at at time zone 'Europe/London')::date
     where (c.closed_at at time zone 'Europe/London')::date between $3::date and $4::date;

-- name: peak-and-joint
with held as (
      select received_at, allocated_at, closed_at from cases where allocated_at is not null and allocated_at < $1::timestamptz and received_at < $2::timestamptz and closed_at >= $3::timestamptz and closed_at > received_at + interval '8736 hours'
      union all
      select received_at, allocated_at, closed_at from cases where allocated_at is not null and allocated_at < $4::timestamptz and received_at < $5::timestamptz and closed_at is null
    ),
    spans as (
      select greatest(0, greatest((allocated_at at time zone 'Europe/London')::date, (received_at at time zone 'Europe/London')::date + 365) - $6::date) as s,
             coalesce(least($7::int, (closed_at at time zone 'Europe/London')::date - $8::date), $9::int) as e
        from held
    ),
    changes as (
      select s as d, 1 as delta from spans where s < e
      union all
      select e as d, -1 as delta from spans where s < e and e < $10::int
    ),
    running as (
      select d, sum(sum(delta)) over (order by d) as n from changes group by d
    ),
    jointly as (
      select c.allocated_at, c.closed_at, c.outcome is not null as decided,
             a.working_day_number - r.working_day_number as to_allocation,
             z.working_day_number - r.working_day_number as to_decision
        from cases c
        join calendar_days r on r.day = (c.received_at at time zone 'Europe/London')::date
        left join calendar_days a on a.day = (c.allocated_at at time zone 'Europe/London')::date
        left join calendar_days z on z.day = (c.closed_at at time zone 'Europe/London')::date
       where c.joint and ((allocated_at >= $11::timestamptz and allocated_at < $12::timestamptz)
                  or (closed_at >= $13::timestamptz and closed_at < $14::timestamptz and outcome is not null))
    )
    select (select max(n) from running) as peak,
           (select min(d) from running where n = (select max(n) from running)) as peak_index,
           (select sum(delta) from changes) as on_last_day,
           j.*
      from (select count(*) filter (where "allocated_at" >= $15::timestamptz and "allocated_at" < $16::timestamptz) as allocated,
                   sum(to_allocation) filter (where "allocated_at" >= $17::timestamptz and "allocated_at" < $18::timestamptz) as allocated_days,
                   count(*) filter (where "allocated_at" >= $19::timestamptz and "allocated_at" < $20::timestamptz) as allocated_before,
                   sum(to_allocation) filter (where "allocated_at" >= $21::timestamptz and "allocated_at" < $22::timestamptz) as allocated_days_before,
                   count(*) filter (where decided and "closed_at" >= $23::timestamptz and "closed_at" < $24::timestamptz) as decided,
                   sum(to_decision) filter (where decided and "closed_at" >= $25::timestamptz and "closed_at" < $26::timestamptz) as decided_days,
                   count(*) filter (where decided and "closed_at" >= $27::timestamptz and "closed_at" < $28::timestamptz) as decided_before,
                   sum(to_decision) filter (where decided and "closed_at" >= $29::timestamptz and "closed_at" < $30::timestamptz) as decided_days_before
              from jointly) j;

-- name: contacts-by-month
select to_char(received_at at time zone 'Europe/London', 'YYYY-MM') as month, channel, count(*)::int as contacts
      from contacts
     where received_at >= $1 and received_at < $2
     group by 1, 2
     order by 1, 2;
