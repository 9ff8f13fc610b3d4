-- load/event_keys_kept.sql — the hashes of the stored event ids, as the
-- warehouse keeps them (meta.usage_event_keys is current: see
-- src/warehouse/event_keys.h).
CREATE OR REPLACE TEMP VIEW tn_stored_event_keys AS
SELECT key_hash FROM meta.usage_event_keys;
