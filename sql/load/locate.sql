-- load/locate.sql — puts the physical line and the record's text, found by
-- scanning the files (src/warehouse/csv_lines.c), beside every problem.
UPDATE tn_problems AS p
SET line = l.line, record = l.record
FROM tn_problem_lines AS l
WHERE p.table_name = l.table_name
  AND p.file_index = l.file_index
  AND p.row_index IS NOT DISTINCT FROM l.row_index
  AND p.duckdb_line IS NOT DISTINCT FROM l.duckdb_line;
