-- load/problem_control.sql — each text value holding a NUL byte, which no
-- column may (shown with the byte as \0). var('table') and var('column') name
-- the load view and the column; $1 table and $2 column are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, replace("{{ var('column') }}", chr(0), '\0'), 'control character',
       'text without NUL bytes'
FROM tn_load_{{ var('table') }}
WHERE contains("{{ var('column') }}", chr(0))
