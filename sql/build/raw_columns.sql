-- build/raw_columns.sql — every column of the raw tables, as (table, column)
-- pairs, to check them against the data contract before a build.
SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw'
