-- stg_gtm_opportunities — one row per CRM opportunity; is_open for the
-- stages still in the pipeline.
SELECT
    opp_id,
    customer_id,
    stage,
    stage IN ('prospecting', 'qualification', 'proposal') AS is_open,
    close_date,
    amount,
    sales_owner,
    opportunity_type
FROM {{ source('raw', 'gtm_opportunities') }}
