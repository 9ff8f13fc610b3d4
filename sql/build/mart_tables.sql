-- build/mart_tables.sql — the tables the warehouse has in the marts schema,
-- one name a row: a build by an earlier version may lack a newer mart. With
-- --parquet DIR they are the views of the attached catalog marts
-- (warehouse/parquet_inputs.h).
SELECT table_name FROM information_schema.tables
WHERE (table_catalog = current_database() AND table_schema = 'marts')
   OR (table_catalog = 'marts' AND table_schema = 'main')
ORDER BY table_name
