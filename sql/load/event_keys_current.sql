-- load/event_keys_current.sql — whether meta.usage_event_keys can be
-- trusted: one hash per stored event (loads keep it so; a row put into
-- raw.usage_events by other means changes the count), made by this DuckDB
-- version's hash() (its comment says which). Needs the table to exist.
SELECT
    (SELECT count(*) FROM meta.usage_event_keys) = (SELECT count(*) FROM raw.usage_events)
    AND (SELECT comment FROM duckdb_tables()
         WHERE database_name = current_database() AND schema_name = 'meta'
           AND table_name = 'usage_event_keys') = getvariable('tn_event_keys_made_by');
