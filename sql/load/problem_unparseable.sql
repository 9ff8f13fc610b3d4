-- load/problem_unparseable.sql — each value of a date or timestamp column
-- that does not parse (its source text is kept in <column>__bad). var('table')
-- and var('column') name the load view tn_load_<table> and the column; $1
-- table, $2 column and $3 what a value should look like are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, "{{ var('column') }}__bad", 'unparseable value', $3
FROM tn_load_{{ var('table') }}
WHERE "{{ var('column') }}__bad" IS NOT NULL
