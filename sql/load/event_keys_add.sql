-- load/event_keys_add.sql — inside the build transaction, after an
-- increment's usage events are merged (sql/load/merge.sql): the ids it added
-- join meta.usage_event_keys. A replaced event keeps its id, whose hash is
-- there already.
INSERT INTO meta.usage_event_keys
SELECT hash(event_id) FROM tn_merge_usage_events WHERE NOT _stored;
