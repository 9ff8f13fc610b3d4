-- Ticket priority and topic are the data dictionary's.
SELECT ticket_id || ': ' || priority || ' / ' || topic AS key
FROM {{ source('raw', 'support_tickets') }}
WHERE priority NOT IN ('low', 'medium', 'high', 'critical')
   OR topic NOT IN ('compliance', 'integration', 'billing', 'onboarding', 'feature_request')
