-- Opportunity stage and type are the data dictionary's.
SELECT opp_id || ': ' || stage || ' / ' || opportunity_type AS key
FROM {{ source('raw', 'gtm_opportunities') }}
WHERE stage NOT IN ('prospecting', 'qualification', 'proposal', 'closed_won', 'closed_lost')
   OR opportunity_type NOT IN ('expansion', 'new_business')
