-- customer_survival holds every customer signed up before the as-of date, once, with event = 1 exactly for those who churned before it.
WITH expected AS (
    SELECT customer_id, (churn_date IS NOT NULL AND churn_date < {{ date_literal(var('as_of')) }})::INTEGER AS event
    FROM {{ source('raw', 'customers') }}
    WHERE signup_date < {{ date_literal(var('as_of')) }}
)
SELECT coalesce(x.customer_id, s.customer_id) AS key
FROM expected AS x FULL OUTER JOIN {{ ref('customer_survival') }} AS s USING (customer_id)
WHERE x.customer_id IS NULL OR s.customer_id IS NULL OR x.event <> s.event OR s.duration_days < 0
