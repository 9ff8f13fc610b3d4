-- A customer churns and upgrades on or after signing up, and upgrades before churning.
SELECT customer_id AS key
FROM {{ source('raw', 'customers') }}
WHERE churn_date < signup_date
   OR upgrade_date < signup_date
   OR upgrade_date >= churn_date
