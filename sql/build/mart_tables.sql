-- build/mart_tables.sql — the tables the warehouse has in the marts schema,
-- one name a row: a build by an earlier version may lack a newer mart.
SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name
