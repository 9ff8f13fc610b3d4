-- propose/sample_parquet.sql — the first var('limit') rows of the Parquet
-- file $1 (bound), for `tenure init` to sample its columns' values.
SELECT * FROM read_parquet($1) LIMIT {{ var('limit') }}
