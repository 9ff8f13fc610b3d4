-- serve/daily_usage.sql — each active customer's product events per day over
-- the 90 days before the as-of date, oldest day first, as text
-- ("0,3,5,…", 90 numbers) for the Customer 360's usage chart. Days are
-- [as_of - 90, as_of), like every window; read from the daily roll-up
-- marts.usage_daily, not the events.
WITH b AS (
    SELECT as_of FROM marts.build_info
),

days AS (
    SELECT unnest(range(1, 91)) AS days_before
),

counts AS (
    SELECT u.customer_id, (b.as_of - u.day)::INTEGER AS days_before, u.events
    FROM marts.usage_daily AS u, b
    WHERE u.day >= b.as_of - 90 AND u.day < b.as_of
)

SELECT
    f.customer_id::VARCHAR AS customer_id,
    string_agg(coalesce(c.events, 0)::VARCHAR, ',' ORDER BY d.days_before DESC) AS daily_events
FROM marts.mart_customer_churn_features AS f
CROSS JOIN days AS d
LEFT JOIN counts AS c ON c.customer_id = f.customer_id AND c.days_before = d.days_before
GROUP BY f.customer_id
ORDER BY f.customer_id
