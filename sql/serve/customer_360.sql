-- serve/customer_360.sql — the Customer 360 facts of every customer active
-- at the warehouse's as-of date, from the marts built as of that date:
-- profile (with the upgrade date, once it is past), usage velocity (events in the last 7 and 30 days, the 30 days
-- before those, decay) and support health (tickets in the last 30 days,
-- high-priority tickets ever and in the last 30 days, mean resolution
-- hours of the tickets resolved by then). Windows are half-open,
-- [as_of - N days, as_of). Every column is DOUBLE or VARCHAR.
WITH b AS (
    SELECT as_of FROM marts.build_info
),

recent_high_priority AS (
    SELECT t.customer_id, count(*) AS high_priority_last_30d
    FROM staging.stg_support_tickets AS t, b
    WHERE t.is_high_priority AND t.created_date >= b.as_of - 30 AND t.created_date < b.as_of
    GROUP BY t.customer_id
)

SELECT
    f.customer_id::VARCHAR AS customer_id,
    c.industry_name::VARCHAR AS industry_name,
    strftime(c.signup_date, '%Y-%m-%d') AS signup_date,
    CASE WHEN c.upgrade_date < b.as_of THEN strftime(c.upgrade_date, '%Y-%m-%d') END AS upgraded_on,
    f.tenure_days::DOUBLE AS tenure_days,
    f.is_early_stage::INTEGER::DOUBLE AS is_early_stage,
    f.total_events::DOUBLE AS total_events,
    f.events_last_7d::DOUBLE AS events_last_7d,
    f.events_last_30d::DOUBLE AS events_last_30d,
    r.events_prev_30d::DOUBLE AS events_prev_30d,
    f.days_since_last_event::DOUBLE AS days_since_last_event,
    f.avg_adoption_score::DOUBLE AS avg_adoption_score,
    f.tickets_last_30d::DOUBLE AS tickets_last_30d,
    f.high_priority_tickets::DOUBLE AS high_priority_tickets,
    coalesce(h.high_priority_last_30d, 0)::DOUBLE AS high_priority_last_30d,
    f.avg_resolution_hours::DOUBLE AS avg_resolution_hours
FROM marts.mart_customer_churn_features AS f
JOIN staging.stg_customers AS c USING (customer_id)
JOIN marts.customer_risk_inputs AS r USING (customer_id)
CROSS JOIN b
LEFT JOIN recent_high_priority AS h USING (customer_id)
ORDER BY f.customer_id
