-- load/add_file.sql — one file of a load into tn_files: $1 table, $2 its
-- index in the table (-1: the project file), $3 how to show it, $4 its
-- format, $5 its column count; all bound.
INSERT INTO tn_files
VALUES ($1, CAST($2 AS INTEGER), $3, $4, CAST($5 AS INTEGER))
