-- open-data-csv: the statements the server sends for one request once its figures are cached (the first request of a
-- plan year computes and stores them), as captured by bench/capture-sql.ts. The page itself is kept, rendered,
-- per version of the figures (src/web/public-pages/kept-responses.ts): only the version is read.

-- name: first-case
select min("received_at") as "first" from "cases";

-- name: years-computed
select "key", "computed_at" from "statistics_cache" where "key" in ($1);
