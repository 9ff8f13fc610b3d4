-- Every opportunity has an opp_id, and no two share one.
SELECT coalesce(opp_id, '(missing)') AS key
FROM {{ source('raw', 'gtm_opportunities') }}
GROUP BY opp_id
HAVING opp_id IS NULL OR count(*) > 1
