-- ml/risk_inputs_have_unknown.sql — 1 when marts.customer_risk_inputs says
-- why a usage decay is unknown (warehouses built since that column), else 0.
-- With --parquet DIR the mart is a view of the attached catalog marts
-- (warehouse/parquet_inputs.h).
SELECT count(*)
FROM information_schema.columns
WHERE ((table_catalog = current_database() AND table_schema = 'marts')
       OR (table_catalog = 'marts' AND table_schema = 'main'))
  AND table_name = 'customer_risk_inputs'
  AND column_name = 'usage_decay_unknown'
