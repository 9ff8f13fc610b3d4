-- build/table_exists.sql — 1 when the warehouse has the table $1.$2 (schema
-- and name, bound), else 0: a warehouse built by an earlier version may
-- lack one (meta.generation, marts.build_info).
SELECT count(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2
