-- load/parquet_columns.sql — the columns of the Parquet file $1 (bound): one
-- row each, the name first, in the file's order.
DESCRIBE SELECT * FROM read_parquet($1)
