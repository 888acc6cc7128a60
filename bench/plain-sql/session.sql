-- The session and the signed-in caseworker: sent with every signed-in request.

-- name: read-session
-- The session and the signed-in caseworker it names, on every request with a cookie, in one statement
-- (repositories/sessions.ts readSessionWithStaff, from web/plugins/session-store.ts).
select "s"."data", "u"."id" as "staff_id", "u"."email" as "staff_email", "u"."display_name" as "staff_display_name", "u"."roles" as "staff_roles", "u"."team" as "staff_team", "u"."active" as "staff_active" from "sessions" as "s" left join "staff_users" as "u" on "u"."id" = ("s"."data"->>'staffId')::integer where "s"."sid" = $1 and "s"."expires_at" > $2 /* prepared */;

-- name: write-session
-- The session written back when a request changed it (a flash message, signing in; repositories/sessions.ts writeSession).
insert into "sessions" ("sid", "data", "expires_at") values ($1, $2, $3) on conflict ("sid") do update set "data" = excluded.data, "expires_at" = excluded.expires_at /* prepared */;
