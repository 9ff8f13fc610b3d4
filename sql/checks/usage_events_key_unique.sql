-- Every usage event has an event_id, and no two share one.
SELECT coalesce(event_id, '(missing)') AS key
FROM {{ source('raw', 'usage_events') }}
GROUP BY event_id
HAVING event_id IS NULL OR count(*) > 1
