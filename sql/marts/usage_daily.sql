-- usage_daily — each customer's product events rolled up per UTC day: one row
-- per customer and day with at least one event. Every mart that reads usage
-- reads this table instead of the events themselves, so the events are
-- scanned once per build, not once per mart and training snapshot (a
-- company with 50,000 customers has about 100 million events but about 20
-- million customer-days).
--
-- Nothing is lost for the marts: every usage window is whole days
-- ([as_of - N days, as_of) with as_of a date), so counting by day gives the
-- same counts, and an average is kept as its sum and count. The table holds
-- every day loaded; each mart reads only the days before its as-of date.
-- The adoption scores are 4-byte floats: they are summed as doubles, which
-- DuckDB does by itself and PostgreSQL only when asked.
SELECT
    customer_id,
    CAST(event_at AS DATE) AS day,
    count(*)::INTEGER AS events,
    sum(CAST(feature_adoption_score AS DOUBLE PRECISION))::DOUBLE PRECISION AS adoption_score_sum,
    count(feature_adoption_score)::INTEGER AS adoption_scores,
    count(*) FILTER (WHERE is_retention_signal)::INTEGER AS retention_signals,
    count(*) FILTER (WHERE event_type = 'integration_connect')::INTEGER AS integration_connects,
    count(*) FILTER (WHERE event_type = 'premium_feature_trial')::INTEGER AS premium_feature_trials,
    max(event_at) AS last_event_at
FROM {{ ref('stg_usage_events') }}
GROUP BY customer_id, CAST(event_at AS DATE)
