-- load/contract_tables.sql — each raw table of the data contract: whether a
-- mapping may leave it out, what one row is, its primary key.
SELECT table_name, optional, grain, primary_key FROM tn_contract_tables
