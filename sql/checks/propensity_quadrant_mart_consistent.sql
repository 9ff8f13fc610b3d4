-- mart_propensity_quadrant agrees with itself and with mart_customer_risk_scores: the churn axis
-- is the rule risk score; the norms and the proxy propensity lie in [0, 1] for an expansion
-- candidate and are NULL otherwise (usage_limit_norm always: the data has no such signal); both
-- axes are cut at 0.50; the quadrant is the one the two cuts name.
WITH quadrants AS (
    SELECT q.*, r.rule_risk_score
    FROM {{ ref('mart_propensity_quadrant') }} AS q
    LEFT JOIN {{ ref('mart_customer_risk_scores') }} AS r USING (customer_id)
),
problems AS (
    SELECT
        customer_id,
        CASE
            WHEN churn_axis_score IS DISTINCT FROM rule_risk_score
                THEN 'churn_axis_score ' || coalesce(churn_axis_score::VARCHAR, 'NULL') || ' is not the rule risk score'
            WHEN is_expansion_candidate
                 AND NOT (premium_trial_norm BETWEEN 0 AND 1 AND feature_request_norm BETWEEN 0 AND 1
                          AND mrr_tier_ceiling_pct BETWEEN 0 AND 1 AND upgrade_propensity_proxy BETWEEN 0 AND 1)
                THEN 'a norm or the proxy is outside [0, 1] or NULL'
            WHEN NOT is_expansion_candidate
                 AND (premium_trial_norm IS NOT NULL OR feature_request_norm IS NOT NULL
                      OR upgrade_propensity_proxy IS NOT NULL OR proxy_expected_arr_uplift IS NOT NULL)
                THEN 'not an expansion candidate, yet with a propensity'
            WHEN usage_limit_norm IS NOT NULL THEN 'usage_limit_norm is set'
            WHEN is_high_churn_risk IS DISTINCT FROM (churn_axis_score >= 0.50)
                THEN 'is_high_churn_risk disagrees with the cut at 0.50 of ' || churn_axis_score
            WHEN is_high_propensity IS DISTINCT FROM coalesce(upgrade_propensity_proxy >= 0.50, false)
                THEN 'is_high_propensity disagrees with the cut at 0.50 of ' || coalesce(upgrade_propensity_proxy::VARCHAR, 'NULL')
            WHEN quadrant IS DISTINCT FROM CASE
                     WHEN is_high_churn_risk AND is_high_propensity THEN 'Flight Risk'
                     WHEN is_high_churn_risk THEN 'Retention Priority'
                     WHEN is_high_propensity THEN 'Growth Engine'
                     ELSE 'Stable Base'
                 END
                THEN 'quadrant ' || coalesce(quadrant, 'NULL') || ' does not follow from the two cuts'
        END AS problem
    FROM quadrants
)
SELECT customer_id || ': ' || problem AS key
FROM problems
WHERE problem IS NOT NULL
