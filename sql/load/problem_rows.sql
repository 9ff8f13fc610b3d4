-- load/problem_rows.sql — the rows of one file that have a problem, as the
-- loader knows them: the accepted row's rowid, or DuckDB's line of a record
-- it rejected. $1 table, $2 file index (bound).
SELECT DISTINCT row_index, duckdb_line
FROM tn_problems
WHERE table_name = $1 AND file_index = CAST($2 AS INTEGER)
  AND (row_index IS NOT NULL OR duckdb_line IS NOT NULL)
