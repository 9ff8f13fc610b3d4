-- load/add_problem.sql — one problem found outside SQL (a file, its header,
-- the mapping) into tn_problems. Every value is bound: $1 table, $2 file
-- index (-1: the project file), $3 line (NULL: none), $4 column, $5 value,
-- $6 kind, $7 what was expected.
INSERT INTO tn_problems (table_name, file_index, line, column_name, value, kind, expected)
VALUES ($1, CAST($2 AS INTEGER), CAST($3 AS BIGINT), $4, $5, $6, $7)
