-- cli/check.sql — how `tenure check` runs one contract: var('check') is a
-- file of sql/checks, rendered, which selects the rows that break the
-- contract (key first). Each of the first var('limit') of them comes with
-- how many there are in all.
SELECT count(*) OVER (), * FROM (
{{ var('check') }}
) LIMIT {{ var('limit') }}
