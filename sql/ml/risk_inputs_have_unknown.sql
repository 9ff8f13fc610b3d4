-- ml/risk_inputs_have_unknown.sql — 1 when marts.customer_risk_inputs says
-- why a usage decay is unknown (warehouses built since that column), else 0.
SELECT count(*)
FROM information_schema.columns
WHERE table_schema = 'marts'
  AND table_name = 'customer_risk_inputs'
  AND column_name = 'usage_decay_unknown'
