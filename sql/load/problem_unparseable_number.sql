-- load/problem_unparseable_number.sql — each value of a money, hours or count
-- column that does not parse (its source text is kept in <column>__bad):
-- text that is a number but would have to be rounded to fit, or not a
-- number at all. var('table') and var('column') name the load view and the
-- column; bound are $1 table, $2 column, $3 what a value should look like,
-- $4 the decimal separator ('.' or ','), $5 why rounding is refused.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, "{{ var('column') }}__bad",
       CASE WHEN tn_number_text("{{ var('column') }}__bad", $4) IS NOT NULL
            THEN 'would be rounded' ELSE 'unparseable value' END,
       CASE WHEN tn_number_text("{{ var('column') }}__bad", $4) IS NOT NULL THEN $5 ELSE $3 END
FROM tn_load_{{ var('table') }}
WHERE "{{ var('column') }}__bad" IS NOT NULL
