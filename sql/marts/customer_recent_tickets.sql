-- customer_recent_tickets — the ten latest support tickets of each active
-- customer, opened before the as-of date, for the Customer 360: recency 1
-- is the latest (by opening date, then ticket id). A ticket's resolution
-- time is known only once it was resolved by the as-of date (point in
-- time, as in every mart). Ranked once per build, so the server reads the
-- rows as they are instead of ranking every ticket at each start-up (most
-- of a second at 50,000 customers).
WITH ranked AS (
    SELECT
        t.*,
        t.resolved_at <= {{ date_literal(var('as_of')) }} AS resolved,
        row_number() OVER (PARTITION BY t.customer_id ORDER BY t.created_date DESC, t.ticket_id) AS recency
    FROM {{ ref('stg_support_tickets') }} AS t
    WHERE t.created_date < {{ date_literal(var('as_of')) }}
)

SELECT
    r.customer_id,
    r.recency::INTEGER AS recency,
    r.ticket_id,
    r.created_date,
    r.priority,
    r.topic,
    CASE WHEN r.resolved THEN r.resolution_hours END::DOUBLE PRECISION AS resolution_hours
FROM ranked AS r
JOIN {{ ref('mart_customer_churn_features') }} AS f USING (customer_id)
WHERE r.recency <= 10
ORDER BY r.customer_id, r.recency
