-- message: the statements the server sends for one request, as captured by bench/capture-sql.ts
-- (the session statements they share are in session.sql).

-- name: own-case
select "c"."id", "c"."reference", "c"."stage", "c"."received_at", "c"."registered_at", "c"."assessment_due_on", "c"."assessment_decided_at", "c"."clock_stopped_at", "c"."draft_shared_at", "c"."decided_at", "c"."closed_at", "c"."outcome", "c"."closing_reason", "c"."summary_text", "c"."category", "c"."subcategory", "c"."complainant_id", "c"."representative_id", "complainant"."full_name" as "complainant_name", "representative"."full_name" as "representative_name", case when lower(complainant.email) = $1 then 'complainant' else 'representative' end as "role", case when lower(complainant.email) = $2 then c.complainant_id else c.representative_id end as "person_id" from "cases" as "c" left join "people" as "complainant" on "complainant"."id" = "c"."complainant_id" left join "people" as "representative" on "representative"."id" = "c"."representative_id" where ("c"."complainant_id" in (select "p"."id" from "people" as "p" where lower(p.email) = $3) or "c"."representative_id" in (select "p"."id" from "people" as "p" where lower(p.email) = $4)) and "c"."reference" = $5;

-- name: insert-message-and-event
-- The message and its timeline event in one statement, no transaction (repositories/message-with-event.ts).
with inserted as (
  insert into messages (case_id, from_person_id, from_staff_id, sent_at, body_text)
  values ($1, $2, null, $3, $4)
  returning id
), event as (
  insert into case_events (case_id, kind, occurred_at, actor_id, facts, detail_text)
  select $5, 'message-received', $6, null,
         jsonb_build_object('messageId', inserted.id, 'fromPersonId', $7::integer, 'from', $8::text), $9
    from inserted
)
select id from inserted;
