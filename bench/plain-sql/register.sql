-- register: the statements the server sends for one request, as captured by bench/capture-sql.ts
-- (the session statements they share are in session.sql).

-- name: known-bodies
select "id" from "bodies" where "id" in ($1);

-- The year's next reference number, in a short transaction of its own (see takeReferenceSequence).
-- name: begin-number
begin;

-- name: asynchronous-commit
set local synchronous_commit = off;

-- name: next-reference
insert into "reference_sequences" ("year", "last_value") values ($1, $2) on conflict ("year") do update set "last_value" = reference_sequences.last_value + 1 returning "last_value" /* prepared */;

-- name: commit-number
commit;

-- name: begin
begin;

-- name: insert-person
insert into "people" ("full_name", "email", "phone", "address", "adjustments_text", "contact_preference") values ($1, $2, $3, $4, $5, $6) returning "id" /* prepared */;

-- name: insert-contact
insert into "contacts" ("channel", "received_at", "dealt_with_at", "outcome", "person_id", "body_id", "summary_text", "recorded_by") values ($1, $2, $3, $4, $5, $6, $7, $8) returning "id" /* prepared */;

-- name: insert-case
insert into "cases" ("reference", "contact_id", "received_at", "registered_at", "complainant_id", "representative_id", "category", "subcategory", "jurisdiction", "stage", "team", "assessment_due_on", "summary_text") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning "id" /* prepared */;

-- name: insert-case-bodies
insert into "case_bodies" ("case_id", "body_id") values ($1, $2) on conflict do nothing;

-- name: insert-event
insert into "case_events" ("case_id", "kind", "occurred_at", "actor_id", "facts", "detail_text") values ($1, $2, $3, $4, $5, $6) /* prepared */;

-- name: people-names
select "id", "full_name" from "people" where "id" in ($1);

-- name: person-contact
select "email", "phone", "contact_preference" from "people" where "id" = $1;

-- name: insert-notification
insert into "notifications" ("case_id", "person_id", "channel", "recipient", "template", "personalisation", "created_at") values ($1, $2, $3, $4, $5, $6, $7) returning "id";

-- name: insert-job
insert into "jobs" ("kind", "payload", "run_at", "created_at", "max_attempts") values ($1, $2, $3, $4, $5) returning "id";

-- name: commit
commit;
