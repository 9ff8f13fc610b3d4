-- stg_customers — one row per customer, as loaded, with the industry in the
-- one spelling the marts and models use: lower case, no spaces
-- ('HR Tech' → 'hrtech'). industry_name keeps the original.
-- name, owner (the customer success manager), renewal_date (the next
-- contract renewal) and crm_id are how people know the account: outside the
-- data dictionary, passed through as loaded, and NULL when a company's
-- exports lack them.
SELECT
    customer_id,
    lower(regexp_replace(trim(industry), '\s+', '', 'g')) AS industry,
    industry AS industry_name,
    plan_tier,
    signup_date,
    mrr,
    churn_date,
    upgrade_date,
    name,
    owner,
    renewal_date,
    crm_id
FROM {{ source('raw', 'customers') }}
