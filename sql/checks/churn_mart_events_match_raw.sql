-- The churn mart's total_events add up to the raw events of active customers before the as-of date.
WITH mart AS (SELECT sum(total_events) AS events FROM {{ ref('mart_customer_churn_features') }}),
raw_events AS (
    SELECT count(*) AS events
    FROM {{ source('raw', 'usage_events') }} AS e
    JOIN {{ ref('mart_customer_churn_features') }} AS f USING (customer_id)
    WHERE e."timestamp" < DATE '{{ var('as_of') }}'
)
SELECT 'mart ' || coalesce(m.events, 0) || ' vs raw ' || r.events AS key
FROM mart AS m, raw_events AS r
WHERE coalesce(m.events, 0) <> r.events
