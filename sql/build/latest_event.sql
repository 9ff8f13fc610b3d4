-- build/latest_event.sql — the data's own as-of date: the day after the
-- latest usage event, and that event's timestamp (both NULL when there is
-- none). var('events') is the relation to look in: raw.usage_events, or
-- during `tenure validate` the events that load (build/loaded_events*.sql).
SELECT CAST(max("timestamp") AS DATE) + 1, max("timestamp")
FROM {{ var('events') }}
