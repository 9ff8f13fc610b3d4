-- load/problem_domain.sql — each row whose categorical value no rule of the
-- value map gives a contract value (load/value_map.sql). var('table') and
-- var('column') name the load view and the column; $1 table, $2 column and
-- $3 the values it takes are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, _file, _row, $2, l."{{ var('column') }}", 'value outside the domain', $3
FROM tn_load_{{ var('table') }} AS l
JOIN (SELECT source FROM tn_value_map
      WHERE table_name = $1 AND column_name = $2 AND value IS NULL) AS u
  ON u.source = l."{{ var('column') }}"
