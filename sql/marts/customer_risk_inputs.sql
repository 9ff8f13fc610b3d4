-- customer_risk_inputs — one row per customer active at the as-of date: the
-- inputs of the composite risk score and the score itself:
--   usage_decay_score = max(0, 1 - events_last_30d / events_prev_30d), and when
--                       events_prev_30d = 0: 0 if events_last_30d > 0, else 1;
--                       unknown (NULL, with the reason in usage_decay_unknown)
--                       for an account without a history to decay from: no
--                       events yet, or younger than 60 days (its previous 30
--                       days are not all in its life)
--   risk_score        = 0.50 · usage_decay_score + 0.35 · compliance_gap_score
--                       + 0.15 · min(vendor_risk_flags / 5, 1)
-- with the weights of risk_score_weights: when no risk_signals were loaded
-- at all, the score is the usage decay alone. When some were, a customer
-- without a risk_signals row counts as no gaps and no flags. When the decay
-- is unknown the score uses the inputs that are known, their weights
-- renormalised, and risk_score_formula says so; with none known it is NULL.
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of
),

previous AS (
    SELECT u.customer_id, sum(u.events) AS events_prev_30d
    FROM {{ ref('usage_daily') }} AS u, params AS p
    WHERE u.day >= {{ dateadd('day', -60, 'p.as_of') }} AND u.day < {{ dateadd('day', -30, 'p.as_of') }}
    GROUP BY u.customer_id
),

inputs AS (
    SELECT
        f.customer_id,
        f.tenure_days,
        f.total_events,
        coalesce(r.compliance_gap_score, 0)::DOUBLE PRECISION AS compliance_gap_score,
        coalesce(r.vendor_risk_flags, 0)::INTEGER AS vendor_risk_flags,
        f.events_last_30d,
        coalesce(pr.events_prev_30d, 0)::INTEGER AS events_prev_30d
    FROM {{ ref('mart_customer_churn_features') }} AS f
    LEFT JOIN {{ ref('stg_risk_signals') }} AS r USING (customer_id)
    LEFT JOIN previous AS pr USING (customer_id)
),

history AS (
    SELECT
        *,
        CASE
            WHEN total_events = 0 THEN 'no events yet: there is no usage to decay'
            WHEN tenure_days < 60 THEN 'the account is ' || tenure_days || ' days old: its previous 30 days are not all in its life'
        END AS usage_decay_unknown
    FROM inputs
),

decay AS (
    SELECT
        *,
        CASE
            WHEN usage_decay_unknown IS NOT NULL THEN NULL
            WHEN events_prev_30d = 0 THEN CASE WHEN events_last_30d > 0 THEN 0.0 ELSE 1.0 END
            ELSE greatest(0.0, 1.0 - CAST(events_last_30d AS DOUBLE PRECISION) / events_prev_30d)
        END::DOUBLE PRECISION AS usage_decay_score,
        least(vendor_risk_flags / 5.0, 1.0) AS vendor_term
    FROM history
)

SELECT
    d.customer_id,
    d.compliance_gap_score,
    d.vendor_risk_flags,
    d.events_last_30d,
    d.events_prev_30d,
    d.usage_decay_score,
    d.usage_decay_unknown,
    CASE
        WHEN d.usage_decay_score IS NOT NULL
            THEN w.usage_decay_weight * d.usage_decay_score + w.compliance_gap_weight * d.compliance_gap_score
                 + w.vendor_flags_weight * d.vendor_term
        WHEN w.compliance_gap_weight + w.vendor_flags_weight > 0
            THEN (w.compliance_gap_weight * d.compliance_gap_score + w.vendor_flags_weight * d.vendor_term)
                 / (w.compliance_gap_weight + w.vendor_flags_weight)
    END::DOUBLE PRECISION AS risk_score,
    CASE
        WHEN d.usage_decay_score IS NOT NULL THEN w.formula
        WHEN w.compliance_gap_weight + w.vendor_flags_weight > 0
            THEN CAST(CAST(w.compliance_gap_weight / (w.compliance_gap_weight + w.vendor_flags_weight)
                           AS DECIMAL(4, 2)) AS VARCHAR)
                 || '·compliance_gap + '
                 || CAST(CAST(w.vendor_flags_weight / (w.compliance_gap_weight + w.vendor_flags_weight)
                              AS DECIMAL(4, 2)) AS VARCHAR)
                 || '·min(vendor_risk_flags/5, 1) (usage decay unknown: ' || d.usage_decay_unknown || ')'
        ELSE 'unknown: no risk_signals loaded, and usage decay unknown (' || d.usage_decay_unknown || ')'
    END AS risk_score_formula
FROM decay AS d, {{ ref('risk_score_weights') }} AS w
ORDER BY d.customer_id
