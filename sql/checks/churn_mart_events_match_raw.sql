-- The churn mart's total_events add up to the raw events of active customers before the as-of date.
--
-- The raw events are counted per customer first (one group per customer),
-- and the counts of the mart's customers summed, so a hundred million
-- events need no join on 36-character ids.
WITH mart AS (SELECT sum(total_events) AS events FROM {{ ref('mart_customer_churn_features') }}),
per_customer AS (
    SELECT customer_id, count(*) AS events
    FROM {{ source('raw', 'usage_events') }}
    WHERE "timestamp" < {{ date_literal(var('as_of')) }}
    GROUP BY customer_id
),
raw_events AS (
    SELECT coalesce(sum(p.events), 0) AS events
    FROM per_customer AS p
    JOIN {{ ref('mart_customer_churn_features') }} AS f USING (customer_id)
)
SELECT 'mart ' || coalesce(m.events, 0) || ' vs raw ' || r.events AS key
FROM mart AS m, raw_events AS r
WHERE coalesce(m.events, 0) <> r.events
