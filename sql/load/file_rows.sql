-- load/file_rows.sql — the rows DuckDB read from one file: var('table') is
-- its load table, tn_load_<t>_<k>.
SELECT count(*) FROM {{ var('table') }}
