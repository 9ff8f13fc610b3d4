-- stg_support_tickets — one row per ticket. A ticket's resolution time is
-- only known once it is resolved: resolved_at = created_date + resolution
-- hours (NULL while open).
SELECT
    ticket_id,
    customer_id,
    created_date,
    priority,
    priority IN ('high', 'critical') AS is_high_priority,
    resolution_time AS resolution_hours,
    {{ dateadd('hour', 'resolution_time', 'created_date') }} AS resolved_at,
    topic
FROM {{ source('raw', 'support_tickets') }}
