-- serve/recent_tickets.sql — the ten latest support tickets of each active
-- customer, opened before the as-of date. A ticket's resolution time is
-- known only once it was resolved by then (point in time, as in the marts).
WITH b AS (
    SELECT as_of FROM marts.build_info
),

ranked AS (
    SELECT
        t.*,
        t.resolved_at <= b.as_of AS resolved,
        row_number() OVER (PARTITION BY t.customer_id ORDER BY t.created_date DESC, t.ticket_id) AS recency
    FROM staging.stg_support_tickets AS t, b
    WHERE t.created_date < b.as_of
)

SELECT
    r.customer_id::VARCHAR AS customer_id,
    r.ticket_id::VARCHAR AS ticket_id,
    strftime(r.created_date, '%Y-%m-%d') AS created_date,
    r.priority::VARCHAR AS priority,
    r.topic::VARCHAR AS topic,
    CASE WHEN r.resolved THEN r.resolution_hours END::DOUBLE AS resolution_hours
FROM ranked AS r
JOIN marts.mart_customer_churn_features AS f USING (customer_id)
WHERE r.recency <= 10
ORDER BY r.customer_id, r.recency
