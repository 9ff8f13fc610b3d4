-- Every customer has a plan tier, a signup date and an MRR of 0 or more.
SELECT customer_id AS key
FROM {{ source('raw', 'customers') }}
WHERE plan_tier IS NULL OR signup_date IS NULL OR mrr IS NULL OR mrr < 0
