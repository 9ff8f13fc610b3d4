-- serve/daily_usage.sql — each customer's product events per day over the
-- 90 days before the as-of date, for the Customer 360's usage chart
-- (marts.customer_usage_90d, made by the build): "days_before:events,…",
-- only the days with events; the server fills in the rest as 0
-- (serve/snapshot_bodies.c).
SELECT customer_id::VARCHAR AS customer_id, daily_events
FROM marts.customer_usage_90d
