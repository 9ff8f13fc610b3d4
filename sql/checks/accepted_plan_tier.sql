-- plan_tier is starter, growth or enterprise.
SELECT customer_id || ': ' || plan_tier AS key
FROM {{ source('raw', 'customers') }}
WHERE plan_tier NOT IN ('starter', 'growth', 'enterprise')
