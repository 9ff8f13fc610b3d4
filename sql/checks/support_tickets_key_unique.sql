-- Every support ticket has a ticket_id, and no two share one.
SELECT coalesce(ticket_id, '(missing)') AS key
FROM {{ source('raw', 'support_tickets') }}
GROUP BY ticket_id
HAVING ticket_id IS NULL OR count(*) > 1
