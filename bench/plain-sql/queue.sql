-- queue: the statements the server sends for one request, as captured by bench/capture-sql.ts
-- (the session statements they share are in session.sql).

-- name: queue-page
-- The page and the whole queue's count in one statement (repositories/queues.ts queuePageWithTotal).
select "c"."id", "c"."reference", "c"."received_at", "c"."stage", "c"."team", "c"."joint", "c"."category", "c"."subcategory", "c"."assessment_due_on", "c"."clock_stopped_at", "c"."closed_at", "c"."outcome", "p"."full_name" as "complainant_name", "u"."display_name" as "owner_name", (select string_agg(b.name, ', ' order by b.name) from case_bodies cb join bodies b on b.id = cb.body_id where cb.case_id = c.id) as "body_names", (select count(*) as "n" from "cases" as "queued" where "queued"."stage" in ($1) and "queued"."team" = $2) as "queue_total" from "cases" as "c" left join "people" as "p" on "p"."id" = "c"."complainant_id" left join "staff_users" as "u" on "u"."id" = "c"."owner_id" where "c"."stage" in ($3) and "c"."team" = $4 order by "c"."assessment_due_on", "c"."id" limit $5;
