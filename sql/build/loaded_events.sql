-- build/loaded_events.sql — for `tenure validate` when no usage event has a
-- problem: the timestamps of every event the exports load, with an
-- increment's latest stored event (load/stored.sql).
SELECT "timestamp" FROM tn_load_usage_events
UNION ALL
SELECT "timestamp" FROM tn_stored_latest_event
