-- load/rejects_view.sql — tn_rejects: DuckDB's rejected records of every file
-- it read as CSV, in one view. var('files') is one "UNION ALL SELECT
-- '<table>', <file index>, line, column_name, CAST(error_type AS VARCHAR),
-- csv_line, error_message FROM tn_rejects_<t>_<k>" per file that has
-- rejects (src/warehouse/raw_load.c); with none the view is empty.
CREATE OR REPLACE TEMP VIEW tn_rejects AS
SELECT NULL::VARCHAR AS table_name, NULL::INTEGER AS file_index, NULL::BIGINT AS line,
       NULL::VARCHAR AS column_name, NULL::VARCHAR AS error_type, NULL::VARCHAR AS csv_line,
       NULL::VARCHAR AS error_message
WHERE false
{{ var('files') }}
