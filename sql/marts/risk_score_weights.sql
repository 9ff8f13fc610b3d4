-- risk_score_weights — one row: the weights of the composite risk score
-- (design: 0.50 usage decay, 0.35 compliance gaps, 0.15 vendor flags) over
-- the inputs the data has, renormalised to sum to 1, and the formula as
-- text, which every answer that carries a risk score states. Without
-- risk_signals the score is the usage decay alone. The weights are written
-- to two decimals by a DECIMAL cast (printf is DuckDB's alone).
WITH inputs AS (
    SELECT bool_and(available) AS risk_signals
    FROM {{ ref('feature_availability') }}
    WHERE name IN ('compliance_gap_score', 'vendor_risk_flags')
),

raw_weights AS (
    SELECT
        0.50 AS usage_decay,
        CASE WHEN risk_signals THEN 0.35 ELSE 0.0 END AS compliance_gap,
        CASE WHEN risk_signals THEN 0.15 ELSE 0.0 END AS vendor_flags,
        risk_signals
    FROM inputs
),

weights AS (
    SELECT
        (usage_decay / (usage_decay + compliance_gap + vendor_flags))::DOUBLE PRECISION AS usage_decay_weight,
        (compliance_gap / (usage_decay + compliance_gap + vendor_flags))::DOUBLE PRECISION AS compliance_gap_weight,
        (vendor_flags / (usage_decay + compliance_gap + vendor_flags))::DOUBLE PRECISION AS vendor_flags_weight,
        risk_signals
    FROM raw_weights
)

SELECT
    usage_decay_weight,
    compliance_gap_weight,
    vendor_flags_weight,
    CASE WHEN risk_signals
         THEN CAST(CAST(usage_decay_weight AS DECIMAL(4, 2)) AS VARCHAR) || '·usage_decay + '
              || CAST(CAST(compliance_gap_weight AS DECIMAL(4, 2)) AS VARCHAR) || '·compliance_gap + '
              || CAST(CAST(vendor_flags_weight AS DECIMAL(4, 2)) AS VARCHAR) || '·min(vendor_risk_flags/5, 1)'
         ELSE CAST(CAST(usage_decay_weight AS DECIMAL(4, 2)) AS VARCHAR)
              || '·usage_decay (no risk_signals loaded: compliance gaps and vendor flags are not in the score)'
    END AS formula
FROM weights
