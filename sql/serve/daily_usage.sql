-- serve/daily_usage.sql — each customer's product events per day over the
-- 90 days before the as-of date, for the Customer 360's usage chart: only
-- the days with events, as text "days_before:events,…" (days_before 1 is
-- the day before the as-of date, 90 the oldest; any order). The server
-- fills in the days without events as 0 (serve/snapshot_bodies.c). Days are
-- [as_of - 90, as_of), like every window; read from the daily roll-up
-- marts.usage_daily, not the events. Spelling out all 90 days of every
-- customer here (a cross join and an ordered string_agg) took seconds at
-- 50,000 customers.
WITH b AS (
    SELECT as_of FROM marts.build_info
)

SELECT
    u.customer_id::VARCHAR AS customer_id,
    string_agg((b.as_of - u.day)::INTEGER || ':' || u.events, ',') AS daily_events
FROM marts.usage_daily AS u, b
WHERE u.day >= b.as_of - 90 AND u.day < b.as_of
GROUP BY u.customer_id
