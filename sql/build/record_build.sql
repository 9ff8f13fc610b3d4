-- build/record_build.sql — the row of marts.build_info (build/build_info.sql)
-- for this build: $1 the as-of date, $2 the data's as-of date (YYYY-MM-DD),
-- $3 'generated' or 'loaded', $4 tenure's version, all bound. var('counts')
-- is one "SELECT i, 'schema.name' AS t, count(*) AS n FROM schema.name" per
-- raw table and model, joined by UNION ALL; i keeps them in order.
INSERT INTO marts.build_info
SELECT CAST($1 AS DATE), CAST($2 AS DATE), $3, timezone('UTC', current_timestamp), $4,
       (SELECT map_from_entries(list((t, n) ORDER BY i)) FROM ({{ var('counts') }}))
