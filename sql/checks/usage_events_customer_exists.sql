-- Every usage event belongs to a known customer.
--
-- The customer ids the events name are found first (one group per
-- customer), and only the events of an id that raw.customers lacks are then
-- read, so a hundred million events need no join on 36-character ids; with
-- none, that step reads nothing. Events with no customer id at all are
-- reported too.
WITH named AS (
    SELECT DISTINCT customer_id
    FROM {{ source('raw', 'usage_events') }}
),
unknown AS (
    SELECT n.customer_id
    FROM named AS n
    WHERE NOT EXISTS (SELECT 1 FROM {{ source('raw', 'customers') }} AS c WHERE c.customer_id = n.customer_id)
)
SELECT event_id AS key
FROM {{ source('raw', 'usage_events') }}
WHERE customer_id IN (SELECT customer_id FROM unknown)
UNION ALL
SELECT event_id AS key
FROM {{ source('raw', 'usage_events') }}
WHERE customer_id IS NULL
