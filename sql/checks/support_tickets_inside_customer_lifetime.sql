-- Every support ticket is created in its customer's lifetime: on or after signup, before churn.
SELECT t.ticket_id AS key
FROM {{ source('raw', 'support_tickets') }} AS t
JOIN {{ source('raw', 'customers') }} AS c USING (customer_id)
WHERE t.created_date < c.signup_date OR t.created_date >= c.churn_date
