-- load/parquet_lines.sql — a Parquet file has no lines: a problem's "line"
-- is its row, counted from 1. $1 table, $2 file index (bound).
UPDATE tn_problems
SET line = row_index + 1
WHERE table_name = $1 AND file_index = CAST($2 AS INTEGER)
