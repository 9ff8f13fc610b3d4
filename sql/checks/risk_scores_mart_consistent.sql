-- mart_customer_risk_scores agrees with itself: the rule score is 0.10 plus the weights of the
-- flags set, capped at 1; ARR is MRR × 12; the ARR at risk lies between 0 and the ARR and is
-- ARR × score to the cent; the intervention value is a tenth of it, to the cent; driver_1 is
-- set exactly when a flag is, driver_2 only after it and never the same.
WITH scores AS (
    SELECT
        r.*,
        f.mrr,
        least(1.00, 0.10
            + CASE WHEN r.flag_few_events_last_30d THEN 0.18 ELSE 0.00 END
            + CASE WHEN r.flag_no_events_last_7d THEN 0.20 ELSE 0.00 END
            + CASE WHEN r.flag_low_adoption THEN 0.15 ELSE 0.00 END
            + CASE WHEN r.flag_inactive_over_14_days THEN 0.12 ELSE 0.00 END
            + CASE WHEN r.flag_support_overload THEN 0.12 ELSE 0.00 END
            + CASE WHEN r.flag_ticket_surge THEN 0.08 ELSE 0.00 END
            + CASE WHEN r.flag_early_stage_low_usage THEN 0.15 ELSE 0.00 END
            + CASE WHEN r.flag_low_onboarding THEN 0.10 ELSE 0.00 END
            + CASE WHEN r.flag_no_retention_signals THEN 0.10 ELSE 0.00 END) AS score_of_flags,
        r.flag_few_events_last_30d OR r.flag_no_events_last_7d OR r.flag_low_adoption
            OR r.flag_inactive_over_14_days OR r.flag_support_overload OR r.flag_ticket_surge
            OR r.flag_early_stage_low_usage OR r.flag_low_onboarding OR r.flag_no_retention_signals AS any_flag
    FROM {{ ref('mart_customer_risk_scores') }} AS r
    LEFT JOIN {{ ref('mart_customer_churn_features') }} AS f USING (customer_id)
),
problems AS (
    SELECT
        customer_id,
        CASE
            WHEN rule_risk_score IS NULL OR NOT rule_risk_score BETWEEN 0 AND 1
                THEN 'rule_risk_score ' || coalesce(rule_risk_score::VARCHAR, 'NULL') || ' is not in [0, 1]'
            WHEN rule_risk_score <> score_of_flags
                THEN 'rule_risk_score ' || rule_risk_score || ' is not 0.10 + the weights of its flags, ' || score_of_flags
            WHEN arr IS DISTINCT FROM mrr * 12 THEN 'arr ' || coalesce(arr::VARCHAR, 'NULL') || ' is not mrr × 12'
            WHEN arr_at_risk IS NULL OR arr_at_risk < 0 OR arr_at_risk > arr
                THEN 'arr_at_risk ' || coalesce(arr_at_risk::VARCHAR, 'NULL') || ' is not between 0 and arr'
            WHEN abs(arr_at_risk - arr * rule_risk_score) > 0.005
                THEN 'arr_at_risk ' || arr_at_risk || ' is not arr × rule_risk_score'
            WHEN intervention_value_10pct IS NULL OR abs(intervention_value_10pct - 0.10 * arr_at_risk) > 0.01
                THEN 'intervention_value_10pct ' || coalesce(intervention_value_10pct::VARCHAR, 'NULL')
                     || ' is not a tenth of arr_at_risk'
            WHEN (driver_1 IS NOT NULL) <> any_flag THEN 'driver_1 is set exactly when a flag is'
            WHEN driver_2 IS NOT NULL AND (driver_1 IS NULL OR driver_2 = driver_1)
                THEN 'driver_2 ' || driver_2 || ' without a different driver_1'
        END AS problem
    FROM scores
)
SELECT customer_id || ': ' || problem AS key
FROM problems
WHERE problem IS NOT NULL
