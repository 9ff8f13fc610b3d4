-- load/problem_invalid_json.sql — each line of a JSON-lines file that is not
-- a JSON object. var('load') is the file's load table, tn_load_<t>_<k>; $1
-- table and $2 the file's index are bound.
INSERT INTO tn_problems (table_name, file_index, row_index, column_name, value, kind, expected)
SELECT $1, CAST($2 AS INTEGER), rowid, '(whole record)', '', 'not valid JSON',
       'a JSON object on one line'
FROM {{ var('load') }}
WHERE _invalid
