-- load/table_problem_rows.sql — how many problems of table $1 (bound) lie in
-- a row that was read: 0 means every row of its load tables is committed.
SELECT count(*) FROM tn_problems WHERE table_name = $1 AND row_index IS NOT NULL
