-- feature_adoption_score and compliance_gap_score lie in [0, 1].
SELECT event_id || ': ' || feature_adoption_score AS key
FROM {{ source('raw', 'usage_events') }}
WHERE NOT feature_adoption_score BETWEEN 0 AND 1
UNION ALL
SELECT customer_id || ': ' || compliance_gap_score
FROM {{ source('raw', 'risk_signals') }}
WHERE NOT compliance_gap_score BETWEEN 0 AND 1
