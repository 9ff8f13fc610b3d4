-- Every risk_signals row belongs to a known customer.
SELECT customer_id AS key
FROM {{ source('raw', 'risk_signals') }} AS r
WHERE NOT EXISTS (SELECT 1 FROM {{ source('raw', 'customers') }} AS c WHERE c.customer_id = r.customer_id)
