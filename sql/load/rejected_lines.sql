-- load/rejected_lines.sql — how many records DuckDB could not read in the
-- files of table $1 (bound): each file's rejected lines, counted once.
SELECT count(DISTINCT (file_index, line)) FROM tn_rejects WHERE table_name = $1
