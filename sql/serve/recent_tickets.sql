-- serve/recent_tickets.sql — the ten latest support tickets of each active
-- customer (marts.customer_recent_tickets, ranked by the build), latest
-- first, for the Customer 360.
SELECT
    customer_id::VARCHAR AS customer_id,
    ticket_id::VARCHAR AS ticket_id,
    strftime(created_date, '%Y-%m-%d') AS created_date,
    priority::VARCHAR AS priority,
    topic::VARCHAR AS topic,
    resolution_hours
FROM marts.customer_recent_tickets
ORDER BY customer_id, recency
