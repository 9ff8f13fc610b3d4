-- load/rejected_line_numbers.sql — DuckDB's line numbers of the records it
-- could not read in one file: $1 table, $2 file index (bound), in order.
SELECT DISTINCT line
FROM tn_rejects
WHERE table_name = $1 AND file_index = CAST($2 AS INTEGER)
ORDER BY 1
