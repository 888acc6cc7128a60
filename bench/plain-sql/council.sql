-- council: the statements the server sends for one request once its figures are cached (the first request of a
-- plan year computes and stores them), as captured by bench/capture-sql.ts.

-- name: find-body
select "id", "code", "name", "kind", "council_type", "region", "population", "fictional" from "bodies" where "code" = $1;

-- name: first-case
select min("received_at") as "first" from "cases";

-- name: years-computed
select "key", "computed_at" from "statistics_cache" where "key" in ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: body-figures
select * from "statistics_cache" where "key" in ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: annual-letter
select "id" from "annual_letters" where "body_id" = $1 and "plan_year" = $2 and "published_at" is not null;

-- name: year-figures
select * from "statistics_cache" where "key" in ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);
