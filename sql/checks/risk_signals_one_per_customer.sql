-- Every customer has exactly one risk_signals row.
SELECT c.customer_id AS key
FROM {{ source('raw', 'customers') }} AS c
LEFT JOIN {{ source('raw', 'risk_signals') }} AS r USING (customer_id)
GROUP BY c.customer_id
HAVING count(r.customer_id) <> 1
