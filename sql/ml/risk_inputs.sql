-- ml/risk_inputs.sql — each customer's composite risk score, its inputs,
-- why the usage decay is unknown (NULL when known) and the formula used.
SELECT customer_id::VARCHAR AS customer_id,
       risk_score,
       compliance_gap_score,
       vendor_risk_flags::DOUBLE AS vendor_risk_flags,
       usage_decay_score,
       usage_decay_unknown,
       risk_score_formula
FROM marts.customer_risk_inputs
