-- build/loaded_events_clean.sql — for `tenure validate` when some usage
-- events have problems: the timestamps of the events that load (a row with
-- a problem does not count), with an increment's latest stored event.
SELECT "timestamp"
FROM tn_load_usage_events AS l
WHERE NOT EXISTS (SELECT 1 FROM tn_problems AS p
                  WHERE p.table_name = 'usage_events' AND p.file_index = l._file
                    AND p.row_index = l._row)
UNION ALL
SELECT "timestamp" FROM tn_stored_latest_event
