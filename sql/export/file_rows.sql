-- export/file_rows.sql — the rows of the Parquet file $1 (bound), for the
-- manifest of `tenure export`.
SELECT count(*) FROM read_parquet($1)
