-- load/event_keys_read.sql — the hashes of the stored event ids, computed
-- from raw.usage_events as they are read: after a full load, and for an
-- increment when the warehouse keeps none that are current
-- (src/warehouse/event_keys.h).
CREATE OR REPLACE TEMP VIEW tn_stored_event_keys AS
SELECT hash(event_id) AS key_hash FROM raw.usage_events;
