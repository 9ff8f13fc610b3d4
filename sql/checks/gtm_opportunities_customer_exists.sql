-- Every opportunity belongs to a known customer.
SELECT opp_id AS key
FROM {{ source('raw', 'gtm_opportunities') }} AS o
WHERE NOT EXISTS (SELECT 1 FROM {{ source('raw', 'customers') }} AS c WHERE c.customer_id = o.customer_id)
