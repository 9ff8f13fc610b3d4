-- load/problem_row_count.sql — how many problems of one file lie in a row
-- (and so have a line to find): $1 table, $2 file index (bound).
SELECT count(*)
FROM tn_problems
WHERE table_name = $1 AND file_index = CAST($2 AS INTEGER)
  AND (row_index IS NOT NULL OR duckdb_line IS NOT NULL)
