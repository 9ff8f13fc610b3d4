-- load/temp_table_exists.sql — 1 when the connection has the temporary
-- table $1 (bound; DuckDB makes tn_rejects_<t>_<k> only for a file with a
-- rejected record), else 0.
SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = $1
