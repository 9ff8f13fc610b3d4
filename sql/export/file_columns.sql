-- export/file_columns.sql — the columns of the Parquet file $1 (bound), one
-- row each, name and type as DuckDB reads them, in the file's order: what
-- the column contract is checked against.
SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))
