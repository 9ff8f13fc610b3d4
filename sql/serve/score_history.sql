-- serve/score_history.sql — each customer's recorded scorings, oldest
-- first (history/latest_per_as_of.sql: one per as-of date), for
-- GET /customers/{id}/history.
SELECT
    customer_id,
    strftime(as_of, '%Y-%m-%d') AS as_of,
    churn_probability,
    churn_tier,
    upgrade_propensity,
    upgrade_tier,
    risk_score,
    risk_score_tier,
    arr,
    churn_model_version,
    expansion_model_version
FROM ({{ var('history') }}) AS h
ORDER BY customer_id, as_of
