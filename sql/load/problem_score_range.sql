-- load/problem_score_range.sql — each value of a score column outside 0 to 1.
-- var('table') and var('column') name the load view and the column; $1 table
-- and $2 column are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, CAST("{{ var('column') }}" AS VARCHAR), 'value out of range',
       'a score from 0 to 1'
FROM tn_load_{{ var('table') }}
WHERE NOT ("{{ var('column') }}" BETWEEN 0 AND 1)
