-- history/window.sql — the window of the score history `tenure serve`
-- keeps: its last $1 recorded as-of dates (up to the warehouse's as-of
-- date, as history/latest_per_as_of.sql reads them). One row: the first
-- kept date (NULL when nothing is recorded), how many are kept, and how
-- many earlier ones are left out.
WITH dates AS (
    SELECT DISTINCT h.as_of
    FROM history.customer_scores_by_as_of AS h
    CROSS JOIN marts.build_info AS b
    WHERE h.as_of <= b.as_of
),
numbered AS (
    SELECT as_of, row_number() OVER (ORDER BY as_of DESC) <= CAST($1 AS BIGINT) AS kept
    FROM dates
)
SELECT strftime(min(as_of) FILTER (WHERE kept), '%Y-%m-%d') AS first_kept,
       CAST(count(*) FILTER (WHERE kept) AS DOUBLE) AS kept,
       CAST(count(*) FILTER (WHERE NOT kept) AS DOUBLE) AS older
FROM numbered
