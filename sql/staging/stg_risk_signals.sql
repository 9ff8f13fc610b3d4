-- stg_risk_signals — one row per customer: compliance gaps and vendor alerts.
SELECT
    customer_id,
    compliance_gap_score,
    vendor_risk_flags
FROM {{ source('raw', 'risk_signals') }}
