-- stg_customers — one row per customer, as loaded, with the industry in the
-- one spelling the marts and models use: lower case, no spaces
-- ('HR Tech' → 'hrtech'; design.md §4). industry_name keeps the original.
SELECT
    customer_id,
    lower(regexp_replace(trim(industry), '\s+', '', 'g')) AS industry,
    industry AS industry_name,
    plan_tier,
    signup_date,
    mrr,
    churn_date,
    upgrade_date
FROM {{ source('raw', 'customers') }}
