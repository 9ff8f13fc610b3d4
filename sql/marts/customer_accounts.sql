-- customer_accounts — one row per customer who signed up before the as-of
-- date, churned or not (as customer_survival): how people know the account.
-- Its name, its owner (the customer success manager), its next renewal and
-- its CRM id as the company's data states them (NULL when unknown), its
-- industry as people write it and its plan tier, and
--   days_to_renewal = renewal_date − as-of date, in days (NULL when the
--                     renewal is unknown; negative when the data's renewal
--                     has already passed).
-- None of these is a model feature: the churn and expansion marts keep the
-- data dictionary's columns only.
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of
)

SELECT
    c.customer_id,
    c.name,
    c.owner,
    c.renewal_date,
    c.crm_id,
    c.industry_name,
    c.plan_tier,
    {{ datediff('p.as_of', 'c.renewal_date', 'day') }}::INTEGER AS days_to_renewal
FROM {{ ref('stg_customers') }} AS c, params AS p
WHERE c.signup_date < p.as_of
ORDER BY c.customer_id
