-- alerts/logged.sql — what the delivery log says of the alerts of the
-- as-of date $1: each key and target with its status.
SELECT idempotency_key, target, status
FROM history.alert_deliveries
WHERE as_of = CAST($1 AS DATE)
