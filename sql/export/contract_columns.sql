-- export/contract_columns.sql — the column contract of the Parquet inputs:
-- every column of the relations the scratch database holds after the models
-- were built on empty raw tables (warehouse/parquet_contract.c), with its
-- type as DuckDB spells it, in each relation's own column order.
SELECT table_schema, table_name, column_name, data_type
FROM information_schema.columns
WHERE table_schema IN ('marts', 'staging', 'training')
ORDER BY table_schema, table_name, ordinal_position
