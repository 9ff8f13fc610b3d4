-- Every customer has a customer_id, and no two share one.
SELECT coalesce(customer_id, '(missing)') AS key
FROM {{ source('raw', 'customers') }}
GROUP BY customer_id
HAVING customer_id IS NULL OR count(*) > 1
