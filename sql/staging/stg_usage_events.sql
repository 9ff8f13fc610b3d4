-- stg_usage_events — one row per product interaction (timestamps are UTC).
SELECT
    event_id,
    customer_id,
    "timestamp" AS event_at,
    event_type,
    event_type IN ('evidence_upload', 'monitoring_run', 'report_view') AS is_retention_signal,
    feature_adoption_score
FROM {{ source('raw', 'usage_events') }}
