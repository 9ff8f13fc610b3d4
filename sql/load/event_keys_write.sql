-- load/event_keys_write.sql — inside the build transaction: the hashes in
-- tn_stored_event_keys become the warehouse's meta.usage_event_keys. Its
-- comment, set next, says which hash() made them: the text returned here.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.usage_event_keys AS
SELECT key_hash FROM tn_stored_event_keys;

SELECT getvariable('tn_event_keys_made_by');
