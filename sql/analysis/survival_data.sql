-- analysis/survival_data.sql — what `tenure analyze` reads: one row per
-- customer of marts.customer_survival, numbers as DOUBLE (NULL kept) and
-- dates as days since 1970-01-01, in a stable order.
SELECT
    customer_id,
    plan_tier,
    industry,
    integration_bucket,
    duration_days::DOUBLE AS duration_days,
    event::DOUBLE AS event,
    events_last_30d::DOUBLE AS events_last_30d,
    avg_adoption_score::DOUBLE AS avg_adoption_score,
    retention_signal_count::DOUBLE AS retention_signal_count,
    high_priority_tickets::DOUBLE AS high_priority_tickets,
    integration_connects_first_30d::DOUBLE AS integration_connects_first_30d,
    (signup_date - DATE '1970-01-01')::DOUBLE AS signup_day,
    (churn_date - DATE '1970-01-01')::DOUBLE AS churn_day,
    (upgrade_date - DATE '1970-01-01')::DOUBLE AS upgrade_day
FROM marts.customer_survival
ORDER BY customer_id
