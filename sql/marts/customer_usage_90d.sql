-- customer_usage_90d — each customer's product events per day over the 90
-- days before the as-of date, for the Customer 360's usage chart: only the
-- days with events, as text "days_before:events,…" (days_before 1 is the
-- day before the as-of date, 90 the oldest; the latest day first). The
-- server fills in the days without events as 0. Days are
-- [as_of - 90, as_of), like every window; made once per build from the
-- daily roll-up, so the server reads one row per customer at start-up.
SELECT
    u.customer_id,
    string_agg({{ datediff('u.day', date_literal(var('as_of')), 'day') }}::INTEGER || ':' || u.events, ',' ORDER BY u.day DESC)
        AS daily_events
FROM {{ ref('usage_daily') }} AS u
WHERE u.day >= {{ dateadd('day', -90, date_literal(var('as_of'))) }} AND u.day < {{ date_literal(var('as_of')) }}
GROUP BY u.customer_id
