-- cli/check.sql — how `tenure check` runs one contract: var('check') is a
-- file of sql/checks, rendered, which selects the rows that break the
-- contract (key first). The first var('limit') of them, in the order of
-- their keys (so the same rows are named every run), each come with how many
-- there are in all.
--
-- The count is a scalar subquery, not count(*) OVER (): DuckDB 1.4.4 sometimes
-- fails a window over a FULL OUTER JOIN with "INTERNAL Error: Attempted to
-- access index 0 within vector of size 0" (about 1 run in 20 under
-- AddressSanitizer's timing), and an internal error invalidates the database
-- for every contract after it.
WITH broken AS (
{{ var('check') }}
)
SELECT (SELECT count(*) FROM broken), * FROM broken ORDER BY 2 LIMIT {{ var('limit') }}
