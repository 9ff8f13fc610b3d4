-- Every usage event falls in its customer's lifetime: on or after signup, before churn.
SELECT e.event_id AS key
FROM {{ source('raw', 'usage_events') }} AS e
JOIN {{ source('raw', 'customers') }} AS c USING (customer_id)
WHERE e."timestamp" < c.signup_date OR e."timestamp" >= c.churn_date
