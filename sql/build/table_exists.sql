-- build/table_exists.sql — 1 when the warehouse has the table $1.$2 (schema
-- and name, bound), else 0: a warehouse built by an earlier version may
-- lack one (meta.generation, marts.build_info). With --parquet DIR, $1.$2 is
-- a view in the attached catalog $1 (warehouse/parquet_inputs.h), which
-- DuckDB resolves the same name to.
SELECT count(*) FROM information_schema.tables
WHERE table_name = $2
  AND ((table_catalog = current_database() AND table_schema = $1)
       OR (table_catalog = $1 AND table_schema = 'main'))
