-- load/stored_none.sql — a full load (`tenure build --raw DIR`) replaces the
-- raw tables, so nothing the warehouse holds takes part in its checks: the
-- stored rows sql/load/problems.sql reads are empty. An increment reads
-- sql/load/stored.sql instead.
CREATE OR REPLACE TEMP VIEW tn_stored_customers AS
SELECT NULL::VARCHAR AS customer_id, NULL::DATE AS signup_date, NULL::DATE AS churn_date
WHERE false;

CREATE OR REPLACE TEMP VIEW tn_stored_usage_events AS
SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS customer_id, NULL::TIMESTAMP AS "timestamp"
WHERE false;

CREATE OR REPLACE TEMP VIEW tn_stored_support_tickets AS
SELECT NULL::VARCHAR AS ticket_id, NULL::VARCHAR AS customer_id, NULL::DATE AS created_date
WHERE false;

CREATE OR REPLACE TEMP VIEW tn_stored_latest_event AS
SELECT NULL::TIMESTAMP AS "timestamp";
