-- mart_customer_churn_features holds exactly the customers active at the as-of date, once each.
WITH active AS (
    SELECT customer_id FROM {{ source('raw', 'customers') }}
    WHERE signup_date < {{ date_literal(var('as_of')) }}
      AND (churn_date IS NULL OR churn_date >= {{ date_literal(var('as_of')) }})
),
mart AS (SELECT customer_id FROM {{ ref('mart_customer_churn_features') }})
SELECT coalesce(a.customer_id, m.customer_id) || CASE WHEN a.customer_id IS NULL THEN ' (not active)' ELSE ' (missing)' END AS key
FROM active AS a FULL OUTER JOIN mart AS m USING (customer_id)
WHERE a.customer_id IS NULL OR m.customer_id IS NULL
UNION ALL
SELECT customer_id || ' (twice)' FROM mart GROUP BY customer_id HAVING count(*) > 1
