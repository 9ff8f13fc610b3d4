-- load/problem_missing_parsed.sql — each row without a value in a required
-- date or number column: empty, not unparseable (an unparseable value is
-- load/problem_unparseable*.sql's). var('table') and var('column') name the
-- load view and the column; $1 table, $2 column and $3 what the value is are
-- bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, '', 'missing value', $3
FROM tn_load_{{ var('table') }}
WHERE "{{ var('column') }}" IS NULL AND "{{ var('column') }}__bad" IS NULL
