-- The session and the signed-in caseworker: sent with every signed-in request.

-- name: read-session
-- The session (src/data/repositories/sessions.ts readSession), on every request with a cookie.
select "data" from "sessions" where "sid" = $1 and "expires_at" > $2;

-- name: load-staff
-- The signed-in caseworker (repositories/staff-users.ts findStaffUserById, from services/staff-accounts.ts loadStaff).
select * from "staff_users" where "id" = $1;

-- name: write-session
-- The session written back when a request changed it (a flash message, signing in; repositories/sessions.ts writeSession).
insert into "sessions" ("sid", "data", "expires_at") values ($1, $2, $3) on conflict ("sid") do update set "data" = excluded.data, "expires_at" = excluded.expires_at;
