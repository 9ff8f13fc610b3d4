-- The churn mart's high_priority_tickets add up to the raw high and critical tickets of active customers before the as-of date.
WITH mart AS (SELECT sum(high_priority_tickets) AS tickets FROM {{ ref('mart_customer_churn_features') }}),
raw_tickets AS (
    SELECT count(*) AS tickets
    FROM {{ source('raw', 'support_tickets') }} AS t
    JOIN {{ ref('mart_customer_churn_features') }} AS f USING (customer_id)
    WHERE t.created_date < {{ date_literal(var('as_of')) }} AND t.priority IN ('high', 'critical')
)
SELECT 'mart ' || coalesce(m.tickets, 0) || ' vs raw ' || r.tickets AS key
FROM mart AS m, raw_tickets AS r
WHERE coalesce(m.tickets, 0) <> r.tickets
