-- history/pending.sql — the recorded as-of dates whose 90 days have not
-- passed yet (history/realized.sql takes the others), with the date their
-- outcomes are known: as-of + 90, the first warehouse as-of date that sees them.
SELECT DISTINCT
    strftime(h.as_of, '%Y-%m-%d') AS as_of,
    strftime(h.as_of + 90, '%Y-%m-%d') AS known_on
FROM ({{ var('history') }}) AS h
CROSS JOIN marts.build_info AS b
WHERE h.as_of + 90 > b.as_of
ORDER BY as_of
