-- event_type is one of the seven of the data dictionary.
SELECT event_id || ': ' || event_type AS key
FROM {{ source('raw', 'usage_events') }}
WHERE event_type NOT IN ('evidence_upload', 'monitoring_run', 'report_view', 'user_invite',
                         'integration_connect', 'api_call', 'premium_feature_trial')
