-- history/window.sql — a window of the score history: its last $1 recorded
-- as-of dates whose $2 days have passed (as-of + $2 ≤ the warehouse's as-of
-- date; $2 = 0 for every scoring, 90 for those the live backtest can judge),
-- up to the warehouse's as-of date as history/latest_per_as_of.sql reads
-- them. One row: the first kept date (NULL when there is none), how many
-- are kept, and how many earlier ones are left out. `tenure serve` reads
-- only its windows, so that its load costs the same however long the
-- history grows.
WITH dates AS (
    SELECT DISTINCT h.as_of
    FROM history.customer_scores_by_as_of AS h
    CROSS JOIN marts.build_info AS b
    WHERE h.as_of <= b.as_of AND h.as_of + CAST($2 AS INTEGER) <= b.as_of
),
numbered AS (
    SELECT as_of, row_number() OVER (ORDER BY as_of DESC) <= CAST($1 AS BIGINT) AS kept
    FROM dates
)
SELECT strftime(min(as_of) FILTER (WHERE kept), '%Y-%m-%d') AS first_kept,
       CAST(count(*) FILTER (WHERE kept) AS DOUBLE) AS kept,
       CAST(count(*) FILTER (WHERE NOT kept) AS DOUBLE) AS older
FROM numbered
