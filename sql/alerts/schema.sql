-- alerts/schema.sql — the delivery log of the alerts (insight/alerts.h),
-- created by the first `tenure alerts` (or `tenure score --project`) that
-- sends, and never dropped by `tenure build`.
--
-- history.alert_deliveries: one row per alert and target — an alert is a
-- rule firing for a customer at an as-of date, named by its idempotency
-- key (the hex SHA-256 of "rule/customer_id/as_of"). status is delivered
-- (a 2xx came; never sent again) or failed (every attempt of the last run
-- failed; the next run tries again). attempts counts every attempt of
-- every run; http_status and last_error are the last attempt's.
CREATE SCHEMA IF NOT EXISTS history;

CREATE TABLE IF NOT EXISTS history.alert_deliveries (
    idempotency_key VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    status VARCHAR NOT NULL CHECK (status IN ('delivered', 'failed')),
    attempts INTEGER NOT NULL,
    http_status INTEGER,
    last_error VARCHAR,
    first_attempt_at TIMESTAMP NOT NULL,
    last_attempt_at TIMESTAMP NOT NULL,
    PRIMARY KEY (idempotency_key, target)
);
