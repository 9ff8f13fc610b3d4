-- alerts/log_delivery.sql — one delivery of one run into the log: a new
-- key and target is added; one logged before (failed then) takes this
-- run's status and last answer, and adds its attempts. Parameters: $1 key,
-- $2 target, $3 rule, $4 customer_id, $5 as_of, $6 status, $7 attempts,
-- $8 HTTP status (NULL: no answer), $9 last error (NULL: none), $10 first
-- and $11 last attempt ("YYYY-MM-DDTHH:MM:SSZ").
INSERT INTO history.alert_deliveries
VALUES ($1, $2, $3, $4, CAST($5 AS DATE), $6, CAST($7 AS INTEGER), CAST($8 AS INTEGER), $9,
        CAST($10 AS TIMESTAMP), CAST($11 AS TIMESTAMP))
ON CONFLICT (idempotency_key, target) DO UPDATE SET
    status = excluded.status,
    attempts = alert_deliveries.attempts + excluded.attempts,
    http_status = excluded.http_status,
    last_error = excluded.last_error,
    last_attempt_at = excluded.last_attempt_at
