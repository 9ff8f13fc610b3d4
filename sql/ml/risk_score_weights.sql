-- ml/risk_score_weights.sql — the composite risk score's formula as this
-- build wrote it, and the weight of the compliance gap (0 when no risk
-- signals were loaded).
SELECT formula::VARCHAR AS formula,
       compliance_gap_weight::DOUBLE AS compliance_gap_weight
FROM marts.risk_score_weights
