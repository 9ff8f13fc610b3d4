-- load/contract_columns.sql — the data contract's columns (load/contract.sql)
-- with each one's SQL type from the raw schema (sql/raw/schema.sql), in the
-- order of the raw tables (contract.c's tn_raw_tables) and of the columns in
-- each table.
SELECT c.table_name, c.column_name, s.data_type, c.kind, c.required, c.optional, c.accepted,
       c.description
FROM tn_contract c
JOIN information_schema.columns s
  ON s.table_schema = 'raw' AND s.table_name = c.table_name AND s.column_name = c.column_name
ORDER BY list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                        'risk_signals'], c.table_name),
         s.ordinal_position
