-- Every usage event falls in its customer's lifetime: on or after signup, before churn.
--
-- Each customer's first and last event are found first (one group per
-- customer), and only the events of customers whose first is before signup
-- or whose last is on or after churn are then joined and reported, so a
-- hundred million events need no join on 36-character ids; with none, that
-- step reads nothing.
WITH span AS (
    SELECT customer_id, min("timestamp") AS first_event, max("timestamp") AS last_event
    FROM {{ source('raw', 'usage_events') }}
    GROUP BY customer_id
),
outside AS (
    SELECT s.customer_id
    FROM span AS s
    JOIN {{ source('raw', 'customers') }} AS c USING (customer_id)
    WHERE s.first_event < c.signup_date OR s.last_event >= c.churn_date
)
SELECT e.event_id AS key
FROM {{ source('raw', 'usage_events') }} AS e
JOIN {{ source('raw', 'customers') }} AS c USING (customer_id)
WHERE e.customer_id IN (SELECT customer_id FROM outside)
  AND (e."timestamp" < c.signup_date OR e."timestamp" >= c.churn_date)
