-- export/attach.sql — an empty in-memory catalog named var('catalog')
-- (marts, staging or training: the caller's own name) to hold the views over
-- the Parquet inputs. READ_WRITE: in a database opened read-only, DuckDB
-- attaches read-only unless told otherwise.
ATTACH ':memory:' AS {{ var('catalog') }} (READ_WRITE)
