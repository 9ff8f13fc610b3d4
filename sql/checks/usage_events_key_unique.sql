-- Every usage event has an event_id, and no two share one.
--
-- Found in two steps, so that a hundred million ids need no hash table of a
-- hundred million strings: first the 64-bit hashes that more than one event
-- has (a table of integers, about half the time and memory), then only the
-- events with such a hash, or with no id, are grouped by the id itself. Two
-- different ids that happen to share a hash are candidates and nothing more:
-- only ids that are really shared are reported.
WITH shared_hashes AS (
    SELECT hash(event_id) AS id_hash
    FROM {{ source('raw', 'usage_events') }}
    GROUP BY 1
    HAVING count(*) > 1
)
SELECT coalesce(event_id, '(missing)') AS key
FROM {{ source('raw', 'usage_events') }}
WHERE event_id IS NULL OR hash(event_id) IN (SELECT id_hash FROM shared_hashes)
GROUP BY event_id
HAVING event_id IS NULL OR count(*) > 1
