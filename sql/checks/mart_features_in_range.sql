-- Mart features stay in their ranges: windows nested (7 ≤ 30 ≤ total), scores in [0, 1], no negative days.
SELECT customer_id AS key
FROM {{ ref('mart_customer_churn_features') }}
WHERE events_last_7d > events_last_30d OR events_last_30d > total_events
   OR retention_signal_count > total_events OR integration_connects_first_30d > total_events
   OR NOT avg_adoption_score BETWEEN 0 AND 1 OR days_since_last_event < 0 OR tenure_days < 0
   OR days_since_last_event > tenure_days OR is_early_stage <> (tenure_days <= 90)
UNION ALL
SELECT customer_id
FROM {{ ref('mart_customer_expansion_features') }}
WHERE NOT mrr_tier_ceiling_pct BETWEEN 0 AND 1 OR premium_feature_trials_30d > events_last_30d
UNION ALL
SELECT customer_id
FROM {{ ref('customer_risk_inputs') }}
WHERE NOT usage_decay_score BETWEEN 0 AND 1 OR NOT risk_score BETWEEN 0 AND 1
