-- mart_customer_expansion_features holds exactly the customers active and not upgraded at the as-of date.
WITH candidates AS (
    SELECT customer_id FROM {{ source('raw', 'customers') }}
    WHERE signup_date < {{ date_literal(var('as_of')) }}
      AND (churn_date IS NULL OR churn_date >= {{ date_literal(var('as_of')) }})
      AND (upgrade_date IS NULL OR upgrade_date >= {{ date_literal(var('as_of')) }})
),
mart AS (SELECT customer_id FROM {{ ref('mart_customer_expansion_features') }})
SELECT coalesce(c.customer_id, m.customer_id) || CASE WHEN c.customer_id IS NULL THEN ' (not a candidate)' ELSE ' (missing)' END AS key
FROM candidates AS c FULL OUTER JOIN mart AS m USING (customer_id)
WHERE c.customer_id IS NULL OR m.customer_id IS NULL
UNION ALL
SELECT customer_id || ' (twice)' FROM mart GROUP BY customer_id HAVING count(*) > 1
