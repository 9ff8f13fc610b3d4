-- customer_risk_inputs — one row per customer active at the as-of date: the
-- inputs of the composite risk score and the score itself:
--   usage_decay_score = max(0, 1 - events_last_30d / events_prev_30d), and when
--                       events_prev_30d = 0: 0 if events_last_30d > 0, else 1
--   risk_score        = 0.50 · usage_decay_score + 0.35 · compliance_gap_score
--                       + 0.15 · min(vendor_risk_flags / 5, 1)
-- with the weights of risk_score_weights: when no risk_signals were loaded
-- at all, the score is the usage decay alone. When some were, a customer
-- without a risk_signals row counts as no gaps and no flags.
WITH params AS (
    SELECT DATE '{{ var('as_of') }}' AS as_of
),

previous AS (
    SELECT e.customer_id, count(*) AS events_prev_30d
    FROM {{ ref('stg_usage_events') }} AS e, params AS p
    WHERE e.event_at >= p.as_of - INTERVAL 60 DAY AND e.event_at < p.as_of - INTERVAL 30 DAY
    GROUP BY e.customer_id
),

inputs AS (
    SELECT
        f.customer_id,
        coalesce(r.compliance_gap_score, 0)::DOUBLE AS compliance_gap_score,
        coalesce(r.vendor_risk_flags, 0)::INTEGER AS vendor_risk_flags,
        f.events_last_30d,
        coalesce(pr.events_prev_30d, 0)::INTEGER AS events_prev_30d
    FROM {{ ref('mart_customer_churn_features') }} AS f
    LEFT JOIN {{ ref('stg_risk_signals') }} AS r USING (customer_id)
    LEFT JOIN previous AS pr USING (customer_id)
),

decay AS (
    SELECT
        *,
        CASE
            WHEN events_prev_30d = 0 THEN CASE WHEN events_last_30d > 0 THEN 0.0 ELSE 1.0 END
            ELSE greatest(0.0, 1.0 - events_last_30d / events_prev_30d)
        END::DOUBLE AS usage_decay_score
    FROM inputs
)

SELECT
    d.*,
    (w.usage_decay_weight * d.usage_decay_score + w.compliance_gap_weight * d.compliance_gap_score
        + w.vendor_flags_weight * least(d.vendor_risk_flags / 5.0, 1.0))::DOUBLE AS risk_score
FROM decay AS d, {{ ref('risk_score_weights') }} AS w
ORDER BY d.customer_id
