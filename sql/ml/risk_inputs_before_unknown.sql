-- ml/risk_inputs_before_unknown.sql — ml/risk_inputs.sql for a warehouse
-- built before a usage decay could be unknown: every row has the full formula.
SELECT customer_id::VARCHAR AS customer_id,
       risk_score,
       compliance_gap_score,
       vendor_risk_flags::DOUBLE AS vendor_risk_flags,
       usage_decay_score
FROM marts.customer_risk_inputs
