-- Every usage event has an event_id, and no two share one.
--
-- A hundred million ids are too many to group by the id itself (a hash
-- table of a hundred million strings). So `tenure check` first finds, in
-- bounded memory, the 64-bit hashes (hash64(): DuckDB's hash()) that more than one
-- event's id has, into the table var('shared_event_id_hashes')
-- (warehouse/shared_hashes.c); only the events with such a hash are then
-- grouped by their id. Two different ids that happen to share a hash are
-- candidates and nothing more: only ids that are really shared are
-- reported. With no shared hash, the second step reads nothing.
SELECT '(missing)' AS key
FROM {{ source('raw', 'usage_events') }}
WHERE event_id IS NULL
HAVING count(*) > 0
UNION ALL
SELECT event_id AS key
FROM {{ source('raw', 'usage_events') }}
WHERE {{ hash64('event_id') }} IN (SELECT id_hash FROM {{ var('shared_event_id_hashes') }})
GROUP BY event_id
HAVING count(*) > 1
