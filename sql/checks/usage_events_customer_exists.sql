-- Every usage event belongs to a known customer.
SELECT event_id AS key
FROM {{ source('raw', 'usage_events') }} AS e
WHERE NOT EXISTS (SELECT 1 FROM {{ source('raw', 'customers') }} AS c WHERE c.customer_id = e.customer_id)
