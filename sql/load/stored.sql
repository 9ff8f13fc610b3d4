-- load/stored.sql — what an increment (`tenure build --raw DIR --append`) is
-- checked against and merged with: the rows the warehouse already holds.
-- Run once the increment's files are read (tn_load_<table>), before
-- sql/load/problems.sql; a full load reads sql/load/stored_none.sql instead.
--
-- Usage events are the one large table: ten million stored ids cost about a
-- second to read. tn_stored_event_keys holds a hash of every stored event_id
-- (meta.usage_event_keys, src/warehouse/event_keys.h), and only the
-- increment's events whose hash it has are looked up by id: an increment of
-- new events reads no stored id at all.

-- The stored rows the checks between tables need, with only the columns they read.
CREATE OR REPLACE TEMP VIEW tn_stored_customers AS
SELECT customer_id, signup_date, churn_date FROM raw.customers;

CREATE OR REPLACE TEMP VIEW tn_stored_usage_events AS
SELECT event_id, customer_id, "timestamp" FROM raw.usage_events;

CREATE OR REPLACE TEMP VIEW tn_stored_support_tickets AS
SELECT ticket_id, customer_id, created_date FROM raw.support_tickets;

-- The stored rows whose primary key the increment has: whole (the merge,
-- sql/load/merge.sql, tells a change from a repeat by them) and with their
-- rowid (what the merge deletes by).
CREATE OR REPLACE TEMP TABLE tn_stored_match_customers AS
SELECT rowid AS _rowid, s AS _row FROM raw.customers AS s
WHERE customer_id IN (SELECT customer_id FROM tn_load_customers);

CREATE OR REPLACE TEMP TABLE tn_stored_match_usage_events AS
SELECT rowid AS _rowid, s AS _row FROM raw.usage_events AS s
WHERE event_id IN (SELECT l.event_id
                   FROM tn_load_usage_events AS l
                   JOIN tn_stored_event_keys AS k ON k.key_hash = hash(l.event_id));

CREATE OR REPLACE TEMP TABLE tn_stored_match_gtm_opportunities AS
SELECT rowid AS _rowid, s AS _row FROM raw.gtm_opportunities AS s
WHERE opp_id IN (SELECT opp_id FROM tn_load_gtm_opportunities);

CREATE OR REPLACE TEMP TABLE tn_stored_match_support_tickets AS
SELECT rowid AS _rowid, s AS _row FROM raw.support_tickets AS s
WHERE ticket_id IN (SELECT ticket_id FROM tn_load_support_tickets);

CREATE OR REPLACE TEMP TABLE tn_stored_match_risk_signals AS
SELECT rowid AS _rowid, s AS _row FROM raw.risk_signals AS s
WHERE customer_id IN (SELECT customer_id FROM tn_load_risk_signals);

-- The latest stored usage event the increment does not replace (an
-- increment may correct an event's time), which the as-of date is derived
-- from when --as-of is not given: the plain maximum when the increment
-- replaces none, else the maximum of the stored times, each kept while some
-- stored event at that time is not replaced. Only the timestamps are read;
-- the variables make the branches not needed vanish from the plan.
SET VARIABLE tn_replaced_events = CASE WHEN (SELECT as_of_given IS NULL FROM tn_load_params)
                                       THEN (SELECT count(*) FROM tn_stored_match_usage_events) END;

CREATE OR REPLACE TEMP TABLE tn_stored_latest_event AS
WITH replaced AS (
    SELECT _row."timestamp" AS t, count(*) AS n FROM tn_stored_match_usage_events GROUP BY 1
),

kept_beside_replaced AS (
    SELECT e."timestamp" AS t
    FROM tn_stored_usage_events AS e JOIN replaced AS r ON e."timestamp" = r.t
    WHERE getvariable('tn_replaced_events') > 0
    GROUP BY e."timestamp", r.n
    HAVING count(*) > r.n
)

SELECT max(t) AS "timestamp"
FROM (SELECT max("timestamp") AS t FROM tn_stored_usage_events
      WHERE getvariable('tn_replaced_events') = 0
      UNION ALL
      SELECT max("timestamp") FROM tn_stored_usage_events
      WHERE getvariable('tn_replaced_events') > 0 AND "timestamp" NOT IN (SELECT t FROM replaced)
      UNION ALL
      SELECT t FROM kept_beside_replaced);
