-- map: the statements the server sends for one request once its figures are cached (the first request of a
-- plan year computes and stores them), as captured by bench/capture-sql.ts. The page itself is kept, rendered,
-- per version of the figures (src/web/public-pages/kept-responses.ts): only the version is read. The drawing (boundaries projected
-- and simplified) is kept in the server's memory and checked against boundaries-summary; reading the
-- geometry again happens only when the boundaries change.

-- name: first-case
select min("received_at") as "first" from "cases";

-- name: boundaries-summary
select count(*) as "n", max("imported_at") as "latest", coalesce(sum(body_id), 0) as "ids" from "body_boundaries";

-- name: councils
select "bodies"."code", "bodies"."name", "bodies"."council_type", "bodies"."county_code", "bodies"."population", body_boundaries.body_id is not null as "has_boundary" from "bodies" left join "body_boundaries" on "body_boundaries"."body_id" = "bodies"."id" where "bodies"."kind" = $1 order by "bodies"."name", "bodies"."code";

-- name: years-computed
select "key", "computed_at" from "statistics_cache" where "key" in ($1);
