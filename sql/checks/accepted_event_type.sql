-- event_type is one of the seven of the data dictionary.
--
-- The types present are found first (a group per type, which DuckDB reads
-- from its dictionary: a hundred million string comparisons cost seconds),
-- and only the events of a type outside the seven are then read; with none,
-- the second step reads nothing. The type is taken out of the group with
-- an aggregate (min: any_value is not in PostgreSQL 15) so that the test
-- stays on the groups rather than being pushed down to every event.
WITH types_present AS (
    SELECT min(event_type) AS event_type
    FROM {{ source('raw', 'usage_events') }}
    GROUP BY event_type
),
unaccepted AS (
    SELECT event_type
    FROM types_present
    WHERE event_type NOT IN ('evidence_upload', 'monitoring_run', 'report_view', 'user_invite',
                             'integration_connect', 'api_call', 'premium_feature_trial')
)
SELECT event_id || ': ' || event_type AS key
FROM {{ source('raw', 'usage_events') }}
WHERE event_type IN (SELECT event_type FROM unaccepted)
