-- Every support ticket belongs to a known customer.
SELECT ticket_id AS key
FROM {{ source('raw', 'support_tickets') }} AS t
WHERE NOT EXISTS (SELECT 1 FROM {{ source('raw', 'customers') }} AS c WHERE c.customer_id = t.customer_id)
