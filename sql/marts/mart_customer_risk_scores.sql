-- mart_customer_risk_scores — one row per customer active at the as-of date:
-- a rule-based risk score for BI, the ARR it puts at risk and what an
-- intervention that saves a tenth of that is worth. Nine rules, each a
-- BOOLEAN flag read from the churn mart (mart_customer_churn_features, so
-- every window is the churn features' own: half-open, ending at the as-of
-- date), each with a weight:
--
--   flag_few_events_last_30d        events_last_30d < 5                          0.18  few events
--   flag_no_events_last_7d          events_last_7d = 0                           0.20  none in 7 days
--   flag_low_adoption               avg_adoption_score < 0.25                    0.15  low adoption
--   flag_inactive_over_14_days      days_since_last_event > 14                   0.12  inactive two weeks
--   flag_support_overload           high_priority_tickets >= 2                   0.12  support overload
--   flag_ticket_surge               tickets_last_30d >= 5                        0.08  ticket surge
--   flag_early_stage_low_usage      is_early_stage and events_last_30d < 3       0.15  early stage at risk
--   flag_low_onboarding             integration_connects_first_30d < 3
--                                   and tenure_days <= 90                        0.10  low onboarding
--   flag_no_retention_signals       retention_signal_count = 0                   0.10  no retention signals
--
--   rule_risk_score          = clamp(0.10 + the weights of the flags set, 0, 1), exact to the cent
--   arr                      = mrr · 12
--   arr_at_risk              = arr · rule_risk_score, rounded to the cent
--   intervention_value_10pct = arr · rule_risk_score · 0.10, rounded to the cent
--   driver_1, driver_2       = the labels (last column above) of the first two
--                              flags set, in the order of the list; NULL when
--                              fewer are set
--
-- An account whose adoption score is unknown (no event with one) is not
-- flagged for low adoption. high_priority_tickets counts the high and
-- critical tickets of the customer's whole tenure, as the churn mart does.
-- This score is not the composite risk score of customer_risk_inputs (usage
-- decay, compliance gaps, vendor flags); it is the rule index BI reports use.
WITH flags AS (
    SELECT
        customer_id,
        plan_tier,
        (mrr * 12)::DECIMAL(14, 2) AS arr,
        events_last_30d < 5 AS flag_few_events_last_30d,
        events_last_7d = 0 AS flag_no_events_last_7d,
        coalesce(avg_adoption_score < 0.25, false) AS flag_low_adoption,
        days_since_last_event > 14 AS flag_inactive_over_14_days,
        high_priority_tickets >= 2 AS flag_support_overload,
        tickets_last_30d >= 5 AS flag_ticket_surge,
        is_early_stage AND events_last_30d < 3 AS flag_early_stage_low_usage,
        integration_connects_first_30d < 3 AND tenure_days <= 90 AS flag_low_onboarding,
        retention_signal_count = 0 AS flag_no_retention_signals
    FROM {{ ref('mart_customer_churn_features') }}
),

scored AS (
    SELECT
        *,
        -- DECIMAL arithmetic: the score is exact, so its cut at 0.50 (the
        -- propensity quadrant's churn axis) never depends on rounding
        least(1.00, greatest(0.00, 0.10
            + CASE WHEN flag_few_events_last_30d THEN 0.18 ELSE 0.00 END
            + CASE WHEN flag_no_events_last_7d THEN 0.20 ELSE 0.00 END
            + CASE WHEN flag_low_adoption THEN 0.15 ELSE 0.00 END
            + CASE WHEN flag_inactive_over_14_days THEN 0.12 ELSE 0.00 END
            + CASE WHEN flag_support_overload THEN 0.12 ELSE 0.00 END
            + CASE WHEN flag_ticket_surge THEN 0.08 ELSE 0.00 END
            + CASE WHEN flag_early_stage_low_usage THEN 0.15 ELSE 0.00 END
            + CASE WHEN flag_low_onboarding THEN 0.10 ELSE 0.00 END
            + CASE WHEN flag_no_retention_signals THEN 0.10 ELSE 0.00 END))::DECIMAL(3, 2) AS rule_risk_score,
        -- the position in the list of the first flag set (NULL: none)
        CASE
            WHEN flag_few_events_last_30d THEN 1
            WHEN flag_no_events_last_7d THEN 2
            WHEN flag_low_adoption THEN 3
            WHEN flag_inactive_over_14_days THEN 4
            WHEN flag_support_overload THEN 5
            WHEN flag_ticket_surge THEN 6
            WHEN flag_early_stage_low_usage THEN 7
            WHEN flag_low_onboarding THEN 8
            WHEN flag_no_retention_signals THEN 9
        END AS first_driver_position
    FROM flags
),

drivers AS (
    SELECT
        *,
        -- the first flag set after the first one
        CASE
            WHEN first_driver_position < 2 AND flag_no_events_last_7d THEN 2
            WHEN first_driver_position < 3 AND flag_low_adoption THEN 3
            WHEN first_driver_position < 4 AND flag_inactive_over_14_days THEN 4
            WHEN first_driver_position < 5 AND flag_support_overload THEN 5
            WHEN first_driver_position < 6 AND flag_ticket_surge THEN 6
            WHEN first_driver_position < 7 AND flag_early_stage_low_usage THEN 7
            WHEN first_driver_position < 8 AND flag_low_onboarding THEN 8
            WHEN first_driver_position < 9 AND flag_no_retention_signals THEN 9
        END AS second_driver_position
    FROM scored
),

driver_labels (flag_position, label) AS (
    VALUES
    (1, 'few events'),
    (2, 'none in 7 days'),
    (3, 'low adoption'),
    (4, 'inactive two weeks'),
    (5, 'support overload'),
    (6, 'ticket surge'),
    (7, 'early stage at risk'),
    (8, 'low onboarding'),
    (9, 'no retention signals')
)

SELECT
    d.customer_id,
    d.plan_tier,
    d.arr,
    d.flag_few_events_last_30d,
    d.flag_no_events_last_7d,
    d.flag_low_adoption,
    d.flag_inactive_over_14_days,
    d.flag_support_overload,
    d.flag_ticket_surge,
    d.flag_early_stage_low_usage,
    d.flag_low_onboarding,
    d.flag_no_retention_signals,
    d.rule_risk_score,
    round(d.arr * d.rule_risk_score, 2)::DECIMAL(14, 2) AS arr_at_risk,
    round(d.arr * d.rule_risk_score * 0.10, 2)::DECIMAL(14, 2) AS intervention_value_10pct,
    first_label.label AS driver_1,
    second_label.label AS driver_2
FROM drivers AS d
LEFT JOIN driver_labels AS first_label ON first_label.flag_position = d.first_driver_position
LEFT JOIN driver_labels AS second_label ON second_label.flag_position = d.second_driver_position
ORDER BY d.customer_id
