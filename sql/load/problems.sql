-- load/problems.sql — the problems that involve more than one value: what
-- DuckDB could not read at all, duplicate keys, dates out of order or out
-- of time, rows outside their customer's lifetime, rows of unknown or
-- refused customers. Appended to tn_problems, after the loader has added
-- each value's own problems (unparseable, missing, outside the domain, out
-- of range).
--
-- Reads: tn_load_<table> (views over every file of the table: _file, _row
-- and the contract's columns), tn_rejects (DuckDB's rejected records of
-- every file), tn_files, tn_load_params, and what the warehouse already
-- holds: tn_stored_customers, tn_stored_usage_events,
-- tn_stored_support_tickets and tn_stored_latest_event. For an increment
-- (`tenure build --raw DIR --append`) those are the stored rows
-- (sql/load/stored.sql), and the checks between rows and tables are made
-- against the merged state: the stored rows the increment does not replace
-- and the increment's own. For a full load they are empty
-- (sql/load/stored_none.sql).

-- What DuckDB could not read: wrong column counts, broken quoting, bad UTF-8.
INSERT INTO tn_problems BY NAME
SELECT
    r.table_name,
    r.file_index,
    r.line AS duckdb_line,
    CASE WHEN r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN '(whole row)'
         ELSE coalesce(r.column_name, '(whole row)') END AS column_name,
    CASE
        WHEN r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            THEN regexp_extract(r.error_message, 'Found: ([0-9]+)', 1) || ' columns'
        ELSE ''
    END AS value,
    CASE
        WHEN r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN 'wrong column count'
        WHEN r.error_type = 'UNQUOTED VALUE' AND contains(r.csv_line, chr(10)) THEN 'unterminated quote'
        WHEN r.error_type = 'UNQUOTED VALUE' THEN 'malformed quoting'
        WHEN r.error_type IN ('INVALID UNICODE', 'INVALID ENCODING') THEN 'invalid UTF-8'
        WHEN r.error_type = 'LINE SIZE OVER MAXIMUM' THEN 'line too long'
        ELSE lower(r.error_type)
    END AS kind,
    CASE
        WHEN r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            THEN f.column_count || ' columns'
        WHEN r.error_type = 'UNQUOTED VALUE' AND contains(r.csv_line, chr(10))
            THEN 'a closing quote: the quote opened here is not closed on its line, so the lines '
                 || 'after it were read as part of this value'
        WHEN r.error_type = 'UNQUOTED VALUE' THEN 'a closing quote followed by a delimiter or the end of the line'
        WHEN r.error_type IN ('INVALID UNICODE', 'INVALID ENCODING')
            THEN 'UTF-8 text (an export in another encoding needs encoding: latin-1 or utf-16 in the mapping)'
        ELSE r.error_message
    END AS expected
FROM tn_rejects AS r
JOIN tn_files AS f USING (table_name, file_index)
-- a record with the wrong number of columns is reported as that, once, not also as its misplaced values
WHERE r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
   OR NOT EXISTS (SELECT 1 FROM tn_rejects AS w
                  WHERE w.table_name = r.table_name AND w.file_index = r.file_index AND w.line = r.line
                    AND w.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'))
QUALIFY r.error_type NOT IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
     OR row_number() OVER (PARTITION BY r.table_name, r.file_index, r.line, r.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
                           ORDER BY r.error_message) = 1;

-- A key used by an earlier row again (the first row keeps it).
INSERT INTO tn_problems BY NAME
WITH keys AS (
    SELECT 'customers' AS table_name, 'customer_id' AS column_name, _file, _row, customer_id AS key FROM tn_load_customers
    UNION ALL SELECT 'gtm_opportunities', 'opp_id', _file, _row, opp_id FROM tn_load_gtm_opportunities
    UNION ALL SELECT 'support_tickets', 'ticket_id', _file, _row, ticket_id FROM tn_load_support_tickets
    UNION ALL SELECT 'risk_signals', 'customer_id', _file, _row, customer_id FROM tn_load_risk_signals
),
-- The events' ids are too many to group by the id (100M at 50,000 customers:
-- a hash table of 7 GB). The loader has found the 64-bit hashes more than
-- one id has (tn_load_shared_event_hashes, warehouse/shared_hashes.h); only
-- the events with such a hash are candidates, and a shared hash of two
-- different ids is left out by the grouping below.
event_keys AS (
    SELECT 'usage_events' AS table_name, 'event_id' AS column_name, _file, _row, event_id AS key
    FROM tn_load_usage_events
    WHERE event_id IS NOT NULL
      AND hash(event_id) IN (SELECT id_hash FROM tn_load_shared_event_hashes)
    QUALIFY count(*) OVER (PARTITION BY event_id) > 1
),
repeated AS (
    SELECT * FROM keys WHERE key IS NOT NULL
    QUALIFY count(*) OVER (PARTITION BY table_name, key) > 1
    UNION ALL SELECT * FROM event_keys
)
SELECT table_name, _file AS file_index, _row AS row_index, column_name, key AS value,
       'duplicate key' AS kind,
       'a unique ' || column_name || ' (an earlier row has this one)' AS expected
FROM repeated
QUALIFY row_number() OVER (PARTITION BY table_name, key ORDER BY _file, _row) > 1;

-- A customer cannot churn or upgrade before signing up.
INSERT INTO tn_problems BY NAME
SELECT 'customers' AS table_name, _file AS file_index, _row AS row_index, 'churn_date' AS column_name,
       CAST(churn_date AS VARCHAR) AS value, 'date order' AS kind,
       'a churn_date on or after signup_date ' || signup_date AS expected
FROM tn_load_customers WHERE churn_date < signup_date
UNION ALL
SELECT 'customers', _file, _row, 'upgrade_date', CAST(upgrade_date AS VARCHAR), 'date order',
       'an upgrade_date on or after signup_date ' || signup_date
FROM tn_load_customers WHERE upgrade_date < signup_date;

-- Dates out of time. No row may be dated after the as-of date: the one
-- given with --as-of, or the data's own, the day after the latest usage
-- event (of the merged state, for an increment). When the as-of date comes
-- from the data, no row may be dated after today either (one such event
-- would move the as-of date to it), so the data's as-of date is taken from
-- the events up to today. Dates before 1990 are a format mistake (epoch
-- milliseconds read as seconds). Close dates and renewals may lie in the
-- future.
CREATE OR REPLACE TEMP TABLE tn_load_limits AS
SELECT
    p.today,
    p.as_of_given IS NOT NULL AS given,
    coalesce(p.as_of_given,
             (SELECT CAST(max(t) AS DATE) + 1
              FROM (SELECT "timestamp" AS t FROM tn_load_usage_events
                    WHERE CAST("timestamp" AS DATE) <= p.today
                    UNION ALL SELECT "timestamp" FROM tn_stored_latest_event))) AS as_of
FROM tn_load_params AS p;

INSERT INTO tn_problems BY NAME
WITH dated AS (
    SELECT 'customers' AS table_name, _file, _row, 'signup_date' AS column_name, signup_date AS day,
           CAST(signup_date AS VARCHAR) AS value, true AS past_only FROM tn_load_customers
    UNION ALL SELECT 'customers', _file, _row, 'churn_date', churn_date, CAST(churn_date AS VARCHAR), true FROM tn_load_customers
    UNION ALL SELECT 'customers', _file, _row, 'upgrade_date', upgrade_date, CAST(upgrade_date AS VARCHAR), true FROM tn_load_customers
    UNION ALL SELECT 'customers', _file, _row, 'renewal_date', renewal_date, CAST(renewal_date AS VARCHAR), false FROM tn_load_customers
    UNION ALL SELECT 'usage_events', _file, _row, 'timestamp', CAST("timestamp" AS DATE), CAST("timestamp" AS VARCHAR), true
        FROM tn_load_usage_events, tn_load_limits AS l
        WHERE "timestamp" >= least(l.today, l.as_of) + 1 OR "timestamp" < DATE '1990-01-01'
    UNION ALL SELECT 'gtm_opportunities', _file, _row, 'close_date', close_date, CAST(close_date AS VARCHAR), false FROM tn_load_gtm_opportunities
    UNION ALL SELECT 'support_tickets', _file, _row, 'created_date', created_date, CAST(created_date AS VARCHAR), true FROM tn_load_support_tickets
)
SELECT
    d.table_name, d._file AS file_index, d._row AS row_index, d.column_name, d.value,
    CASE WHEN d.day < DATE '1990-01-01' THEN 'implausible date'
         WHEN NOT l.given AND d.day > l.today THEN 'dated in the future'
         ELSE 'dated after the as-of date' END AS kind,
    CASE WHEN d.day < DATE '1990-01-01'
             THEN 'a date from 1990 on (is the format right? epoch seconds and milliseconds differ by 1,000)'
         WHEN l.given
             THEN 'a date on or before the as-of date ' || l.as_of || ' (--as-of)'
         WHEN d.day > l.today
             THEN 'a date no later than today, ' || l.today
                  || ' (the as-of date is the day after the latest event: a future row would move it there)'
         ELSE 'a date on or before the as-of date ' || l.as_of
              || ' (the day after the latest usage event; --as-of sets another)'
    END AS expected
FROM dated AS d, tn_load_limits AS l
WHERE d.day < DATE '1990-01-01'
   OR (d.past_only AND (d.day > l.today AND NOT l.given OR d.day > l.as_of));

-- An increment's customer whose lifetime narrows (a later signup_date, an
-- earlier churn_date, or a churn_date at last) may not leave rows the
-- warehouse already holds for it outside the new lifetime; the problem is
-- the customer row's, which would put them there. A stored row the
-- increment replaces is checked in its new form, below. Only stored events
-- dated outside some narrowed lifetime are read: the bounds reach the scans
-- as constants, so the ten million stored events are not joined.
CREATE OR REPLACE TEMP TABLE tn_narrowed AS
SELECT c._file, c._row, c.customer_id, c.signup_date, c.churn_date,
       c.signup_date > s.signup_date AS later_signup
FROM tn_load_customers AS c JOIN tn_stored_customers AS s USING (customer_id)
WHERE (c.signup_date > s.signup_date OR c.churn_date < coalesce(s.churn_date, DATE 'infinity'))
  AND NOT EXISTS (SELECT 1 FROM tn_problems AS p
                  WHERE p.table_name = 'customers' AND p.file_index = c._file AND p.row_index = c._row);

SET VARIABLE tn_narrowed_signup = (SELECT max(signup_date) FROM tn_narrowed WHERE later_signup);
SET VARIABLE tn_narrowed_churn = (SELECT min(churn_date) FROM tn_narrowed);

INSERT INTO tn_problems BY NAME
WITH stored_rows AS (
    SELECT 'usage event' AS what, event_id AS id, customer_id, "timestamp" AS dated,
           CAST("timestamp" AS VARCHAR) AS shown
    FROM tn_stored_usage_events WHERE "timestamp" < getvariable('tn_narrowed_signup')
    UNION
    SELECT 'usage event', event_id, customer_id, "timestamp", CAST("timestamp" AS VARCHAR)
    FROM tn_stored_usage_events WHERE "timestamp" >= getvariable('tn_narrowed_churn')
    UNION
    SELECT 'support ticket', ticket_id, customer_id, created_date, CAST(created_date AS VARCHAR)
    FROM tn_stored_support_tickets WHERE customer_id IN (SELECT customer_id FROM tn_narrowed)
),

outside AS (
    SELECT n._file, n._row, r.what, r.id, r.dated, r.shown,
           CASE WHEN r.dated < n.signup_date THEN 'signup_date' ELSE 'churn_date' END AS column_name,
           CASE WHEN r.dated < n.signup_date THEN n.signup_date ELSE n.churn_date END AS day
    FROM stored_rows AS r JOIN tn_narrowed AS n USING (customer_id)
    WHERE (r.dated < n.signup_date OR r.dated >= n.churn_date)
      AND NOT (r.what = 'usage event'
               AND r.id IN (SELECT event_id FROM tn_load_usage_events WHERE event_id IS NOT NULL))
      AND NOT (r.what = 'support ticket'
               AND r.id IN (SELECT ticket_id FROM tn_load_support_tickets WHERE ticket_id IS NOT NULL))
)
SELECT 'customers' AS table_name, _file AS file_index, _row AS row_index, column_name,
       CAST(day AS VARCHAR) AS value, 'stored rows outside the lifetime' AS kind,
       'a ' || column_name || ' that keeps the rows the warehouse holds for the customer inside its lifetime: '
           || count(*) || ' stored row' || CASE WHEN count(*) = 1 THEN '' ELSE 's' END
           || ' would fall ' || CASE WHEN column_name = 'signup_date' THEN 'before' ELSE 'on or after' END
           || ' it (the first: ' || arg_min(what || ' ' || id || ' of ' || shown, dated) || ')' AS expected
FROM outside
GROUP BY _file, _row, column_name, day;

-- The customers every other table may refer to: the increment's (loaded, no
-- problem, first of their id), and the stored customers it does not replace.
CREATE OR REPLACE TEMP TABLE tn_known_customers AS
WITH loaded AS (
    SELECT customer_id, signup_date, churn_date
    FROM tn_load_customers AS c
    WHERE customer_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM tn_problems AS p
                      WHERE p.table_name = 'customers' AND p.file_index = c._file AND p.row_index = c._row)
)
SELECT * FROM loaded
UNION ALL
SELECT customer_id, signup_date, churn_date
FROM tn_stored_customers
WHERE customer_id NOT IN (SELECT customer_id FROM loaded);

-- Each row of the other tables against its customer, in one pass per table:
-- its customer is missing, or its date falls outside the customer's
-- lifetime (before signup, or on or after churn).
CREATE OR REPLACE TEMP TABLE tn_customer_rows AS
SELECT 'usage_events' AS table_name, e._file, e._row, e.customer_id, k.customer_id IS NULL AS orphan,
       'timestamp' AS column_name, CAST(e."timestamp" AS VARCHAR) AS value, 'a time' AS what,
       k.signup_date, k.churn_date
FROM tn_load_usage_events AS e LEFT JOIN tn_known_customers AS k ON k.customer_id = e.customer_id
WHERE e.customer_id IS NOT NULL
  AND (k.customer_id IS NULL OR e."timestamp" < k.signup_date OR e."timestamp" >= k.churn_date)
UNION ALL
SELECT 'support_tickets', t._file, t._row, t.customer_id, k.customer_id IS NULL,
       'created_date', CAST(t.created_date AS VARCHAR), 'a date', k.signup_date, k.churn_date
FROM tn_load_support_tickets AS t LEFT JOIN tn_known_customers AS k ON k.customer_id = t.customer_id
WHERE t.customer_id IS NOT NULL
  AND (k.customer_id IS NULL OR t.created_date < k.signup_date OR t.created_date >= k.churn_date)
UNION ALL
SELECT 'gtm_opportunities', _file, _row, customer_id, true, NULL, NULL, NULL, NULL, NULL
FROM tn_load_gtm_opportunities WHERE customer_id NOT IN (SELECT customer_id FROM tn_known_customers)
UNION ALL
SELECT 'risk_signals', _file, _row, customer_id, true, NULL, NULL, NULL, NULL, NULL
FROM tn_load_risk_signals WHERE customer_id NOT IN (SELECT customer_id FROM tn_known_customers);

INSERT INTO tn_problems BY NAME
SELECT table_name, _file AS file_index, _row AS row_index, column_name, value,
       'outside the customer''s lifetime' AS kind,
       what || ' from the customer''s signup_date ' || signup_date
           || coalesce(' to before its churn_date ' || churn_date, '') AS expected
FROM tn_customer_rows
WHERE NOT orphan;

-- Rows that name a customer who is not loaded: unknown, or refused (then the
-- row is a consequence of the customer's own problem). Each missing id is
-- looked up once: a refused customer's row has a problem, or DuckDB could
-- not read the record that holds it. When part of the customers' file could
-- not be read at all (a quote never closed swallows the lines after it; a
-- file or header problem), no id can be called unknown: every such row
-- follows that one problem.
INSERT INTO tn_problems BY NAME
WITH customers_incomplete AS (
    SELECT EXISTS (SELECT 1 FROM tn_rejects AS r
                   WHERE r.table_name = 'customers' AND r.error_type = 'UNQUOTED VALUE'
                     AND contains(r.csv_line, chr(10)))
        OR EXISTS (SELECT 1 FROM tn_problems AS p
                   WHERE p.table_name = 'customers' AND p.row_index IS NULL AND p.duckdb_line IS NULL)
        AS incomplete
),

refused AS (
    SELECT o.customer_id,
           o.customer_id IN (SELECT customer_id FROM tn_load_customers WHERE customer_id IS NOT NULL)
           OR (SELECT incomplete FROM customers_incomplete)
           OR EXISTS (SELECT 1 FROM tn_rejects AS r
                      WHERE r.table_name = 'customers' AND contains(r.csv_line, o.customer_id)) AS refused
    FROM (SELECT DISTINCT customer_id FROM tn_customer_rows WHERE orphan) AS o
)
SELECT o.table_name, o._file AS file_index, o._row AS row_index, 'customer_id' AS column_name,
       o.customer_id AS value,
       CASE WHEN r.refused THEN 'row of a rejected customer' ELSE 'unknown customer_id' END AS kind,
       CASE WHEN r.refused THEN 'a customer whose own row loads (it has a problem of its own, above)'
            ELSE 'a customer_id that the customers table has' END AS expected,
       r.refused AS consequence
FROM tn_customer_rows AS o JOIN refused AS r USING (customer_id)
WHERE o.orphan;
