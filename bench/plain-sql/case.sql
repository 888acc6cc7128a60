-- case: the statements the server sends for one request, as captured by bench/capture-sql.ts
-- (the session statements they share are in session.sql).

-- name: find-case
select "c".*, "complainant"."full_name" as "complainant_name", "complainant"."email" as "complainant_email", "complainant"."phone" as "complainant_phone", "complainant"."address" as "complainant_address", "representative"."full_name" as "representative_name", "representative"."email" as "representative_email", "owner"."display_name" as "owner_name", "contact"."channel" as "contact_channel" from "cases" as "c" left join "people" as "complainant" on "complainant"."id" = "c"."complainant_id" left join "people" as "representative" on "representative"."id" = "c"."representative_id" left join "staff_users" as "owner" on "owner"."id" = "c"."owner_id" left join "contacts" as "contact" on "contact"."id" = "c"."contact_id" where "c"."reference" = $1 /* prepared */;

-- name: case-bodies
select "b"."id", "b"."code", "b"."name", "b"."kind", "b"."council_type", "b"."fictional" from "case_bodies" as "cb" inner join "bodies" as "b" on "b"."id" = "cb"."body_id" where "cb"."case_id" = $1 order by "b"."name" /* prepared */;

-- name: case-events
select "e"."id", "e"."kind", "e"."occurred_at", "e"."facts", "e"."detail_text", "u"."display_name" as "actor_name" from "case_events" as "e" left join "staff_users" as "u" on "u"."id" = "e"."actor_id" where "e"."case_id" = $1 order by "e"."id" desc /* prepared */;

-- name: case-decisions
select * from "decisions" where "case_id" = $1 order by "id" /* prepared */;

-- name: case-remedies
select "r".*, (select string_agg(b.name || ': ' || s.amount_pence::text, '; ' order by b.name) as "shares" from "remedy_shares" as "s" inner join "bodies" as "b" on "b"."id" = "s"."body_id" where "s"."remedy_id" = "r"."id") as "shares" from "remedies" as "r" where "r"."case_id" = $1 order by "r"."id" /* prepared */;

-- name: case-enquiries
select "q".*, "b"."name" as "body_name" from "enquiries" as "q" inner join "bodies" as "b" on "b"."id" = "q"."body_id" where "q"."case_id" = $1 order by "q"."id" /* prepared */;

-- name: case-documents
select "d"."id", "d"."file_name", "d"."content_type", "d"."size_bytes", "d"."sha256", "d"."uploaded_at", "d"."scan_status", "u"."display_name" as "uploaded_by_name", "p"."full_name" as "uploaded_by_person_name", "lo"."full_name" as "uploaded_by_link_officer_name" from "documents" as "d" left join "staff_users" as "u" on "u"."id" = "d"."uploaded_by" left join "people" as "p" on "p"."id" = "d"."uploaded_by_person_id" left join "link_officers" as "lo" on "lo"."id" = "d"."uploaded_by_link_officer_id" where "d"."case_id" = $1 and "d"."deleted_at" is null order by "d"."id" /* prepared */;

-- name: case-clock-stops
select * from "clock_stops" where "case_id" = $1 order by "id" /* prepared */;

-- name: joint-working
select * from "joint_working" where "case_id" = $1 /* prepared */;

-- name: unread-messages
select count(*) as "n" from "messages" where "case_id" = $1 and "from_person_id" is not null and "read_at" is null;
