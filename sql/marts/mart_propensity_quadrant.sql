-- mart_propensity_quadrant — one row per customer active at the as-of date:
-- where the account sits in the conflict matrix of churn risk × upgrade
-- propensity, for BI, without the models. The models' probabilities are not
-- in the warehouse when it is built (tenure build runs before any scoring),
-- so both axes are rules on the marts:
--
--   churn axis   churn_axis_score = rule_risk_score of mart_customer_risk_scores
--   propensity   upgrade_propensity_proxy, from the expansion signals of
--                mart_customer_expansion_features:
--
--     premium_trial_norm   = min(1, ln(1 + premium_feature_trials_30d) / ln(1 + 10))
--     feature_request_norm = min(1, ln(1 + feature_request_tickets_90d) / ln(1 + 3))
--     usage_limit_norm     = NULL: the data has no usage-limit hits
--     upgrade_propensity_proxy = clamp((0.30 · premium_trial_norm
--                                       + 0.15 · feature_request_norm
--                                       + 0.20 · has_open_expansion_opp (1 or 0)
--                                       + 0.10 · mrr_tier_ceiling_pct) / 0.75, 0, 1),
--                                rounded to 6 decimals
--
--   The proxy's weights are 0.30 trials, 0.25 usage-limit hits, 0.15
--   requests, 0.20 open opportunity, 0.10 tier ceiling. The data has no
--   usage-limit hits, so the other four are renormalised over the inputs
--   present (divided by their sum, 0.75), as the composite risk score does
--   without risk signals, and the proxy still spans 0 to 1. The caps: ten
--   premium-feature trials in 30 days (one every three days: a next-tier
--   feature in steady use) and three feature requests in 90 days (one a
--   month) are as strong as the signal gets.
--
--   quadrant: both axes cut at 0.50 (a value of 0.50 is high) —
--     Growth Engine (churn low, propensity high), Flight Risk (both high),
--     Retention Priority (churn high, propensity low), Stable Base (both low).
--
-- A customer who has already upgraded is no expansion candidate: its
-- expansion signals, norms and proxy are NULL and its propensity counts as
-- low, as in the served quadrant. proxy_expected_arr_uplift is the expected
-- ARR of the move to the next tier, mrr · 12 · (multiplier − 1) · proxy,
-- rounded to the cent.
WITH candidates AS (
    SELECT
        e.customer_id,
        e.premium_feature_trials_30d,
        e.feature_request_tickets_90d,
        e.has_open_expansion_opp,
        e.mrr_tier_ceiling_pct,
        least(1.0, ln(1 + e.premium_feature_trials_30d) / ln(1 + 10)) AS premium_trial_norm,
        least(1.0, ln(1 + e.feature_request_tickets_90d) / ln(1 + 3)) AS feature_request_norm
    FROM {{ ref('mart_customer_expansion_features') }} AS e
),

proxies AS (
    SELECT
        *,
        -- rounded to 6 decimals, so that an account exactly at the cut (as
        -- whole-dollar MRRs at three quarters of a band can be) is not moved
        -- to either side of it by the rounding errors of binary fractions
        -- (as a DECIMAL: rounding a double to decimals is DuckDB's alone)
        round(CAST(least(1.0, greatest(0.0,
            (0.30 * premium_trial_norm
             + 0.15 * feature_request_norm
             + 0.20 * CASE WHEN has_open_expansion_opp THEN 1 ELSE 0 END
             + 0.10 * mrr_tier_ceiling_pct) / 0.75)) AS DECIMAL(18, 9)), 6)::DOUBLE PRECISION AS upgrade_propensity_proxy
    FROM candidates
),

axes AS (
    SELECT
        r.customer_id,
        r.plan_tier,
        r.arr,
        p.customer_id IS NOT NULL AS is_expansion_candidate,
        p.premium_feature_trials_30d,
        p.premium_trial_norm::DOUBLE PRECISION AS premium_trial_norm,
        NULL::DOUBLE PRECISION AS usage_limit_norm,
        p.feature_request_tickets_90d,
        p.feature_request_norm::DOUBLE PRECISION AS feature_request_norm,
        p.has_open_expansion_opp,
        p.mrr_tier_ceiling_pct,
        p.upgrade_propensity_proxy,
        r.rule_risk_score AS churn_axis_score,
        r.rule_risk_score >= 0.50 AS is_high_churn_risk,
        coalesce(p.upgrade_propensity_proxy >= 0.50, false) AS is_high_propensity
    FROM {{ ref('mart_customer_risk_scores') }} AS r
    LEFT JOIN proxies AS p USING (customer_id)
)

SELECT
    a.*,
    CASE
        WHEN a.is_high_churn_risk AND a.is_high_propensity THEN 'Flight Risk'
        WHEN a.is_high_churn_risk THEN 'Retention Priority'
        WHEN a.is_high_propensity THEN 'Growth Engine'
        ELSE 'Stable Base'
    END AS quadrant,
    CASE WHEN a.is_expansion_candidate THEN t.next_tier END AS next_tier,
    round(CAST(a.arr * (t.next_tier_multiplier - 1) * a.upgrade_propensity_proxy AS DECIMAL(18, 6)), 2)::DECIMAL(14, 2)
        AS proxy_expected_arr_uplift
FROM axes AS a
LEFT JOIN {{ ref('stg_plan_tiers') }} AS t USING (plan_tier)
ORDER BY a.customer_id
