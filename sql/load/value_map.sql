-- load/value_map.sql — each distinct source value of a categorical column,
-- translated to the contract's value by the first rule that matches it
-- (tn_value_rules, lowest priority number first; matching ignores case and
-- surrounding space). value is NULL for a source value no rule maps: every
-- row holding it is a problem.
CREATE OR REPLACE TEMP TABLE tn_value_map AS
SELECT
    s.table_name,
    s.column_name,
    s.source,
    s.rows,
    (SELECT r.value
     FROM tn_value_rules AS r
     WHERE r.table_name = s.table_name
       AND r.column_name = s.column_name
       AND CASE WHEN r.is_glob THEN lower(s.source) GLOB r.pattern ELSE lower(s.source) = r.pattern END
     ORDER BY r.priority
     LIMIT 1) AS value
FROM tn_value_sources AS s;
