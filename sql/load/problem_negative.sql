-- load/problem_negative.sql — each value below 0 of a money, hours or count
-- column. var('table') and var('column') name the load view and the column;
-- $1 table, $2 column and $3 what was expected are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, CAST("{{ var('column') }}" AS VARCHAR), 'value out of range', $3
FROM tn_load_{{ var('table') }}
WHERE "{{ var('column') }}" < 0
