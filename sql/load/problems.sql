-- load/problems.sql — every problem found in the CSV files loaded by
-- `tenure build --raw`, one row each:
--   (table_name, row_index, duckdb_line, column_name, value, kind, expected)
-- row_index is the row's position among the rows DuckDB accepted (its rowid
-- in load_<table>); duckdb_line is DuckDB's line number of a row it rejected.
-- The caller turns both into the file's physical line.
--
-- Reads: load_<table> (the accepted rows), tn_rejects_<table> (DuckDB's
-- rejects), tn_load_columns (each column's type and accepted values).
CREATE OR REPLACE TEMP TABLE tn_problems AS
WITH

-- What DuckDB could not read: unparseable values, values outside a domain,
-- wrong column counts, bad quoting, bad UTF-8.
rejects AS (
    SELECT 'customers' AS table_name, * FROM tn_rejects_customers
    UNION ALL SELECT 'usage_events', * FROM tn_rejects_usage_events
    UNION ALL SELECT 'gtm_opportunities', * FROM tn_rejects_gtm_opportunities
    UNION ALL SELECT 'support_tickets', * FROM tn_rejects_support_tickets
    UNION ALL SELECT 'risk_signals', * FROM tn_rejects_risk_signals
),

read_problems AS (
    SELECT
        r.table_name,
        NULL::BIGINT AS row_index,
        r.line AS duckdb_line,
        CASE WHEN r.error_type::VARCHAR IN ('MISSING COLUMNS', 'TOO MANY COLUMNS') THEN '(whole row)'
             ELSE r.column_name END AS column_name,
        CASE
            WHEN r.error_type::VARCHAR = 'CAST'
                THEN regexp_extract(r.error_message, 'Could not convert string "(.*)" to ', 1)
            WHEN r.error_type::VARCHAR IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
                THEN regexp_extract(r.error_message, 'Found: ([0-9]+)', 1) || ' columns'
            ELSE ''
        END AS value,
        CASE r.error_type::VARCHAR
            WHEN 'CAST' THEN CASE WHEN c.accepted IS NOT NULL THEN 'value outside the domain'
                                  ELSE 'unparseable value' END
            WHEN 'MISSING COLUMNS' THEN 'wrong column count'
            WHEN 'TOO MANY COLUMNS' THEN 'wrong column count'
            WHEN 'UNQUOTED VALUE' THEN 'malformed quoting'
            WHEN 'INVALID UNICODE' THEN 'invalid UTF-8'
            ELSE lower(r.error_type::VARCHAR)
        END AS kind,
        CASE
            WHEN r.error_type::VARCHAR IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
                THEN (SELECT count(*) FROM tn_load_columns k WHERE k.table_name = r.table_name) || ' columns'
            WHEN r.error_type::VARCHAR = 'UNQUOTED VALUE' THEN 'a closing quote followed by a comma or the end of the line'
            WHEN c.accepted IS NOT NULL THEN 'one of ' || array_to_string(c.accepted, ', ')
            WHEN c.column_type = 'DATE' THEN 'a date, YYYY-MM-DD'
            WHEN c.column_type = 'TIMESTAMP' THEN 'a timestamp, YYYY-MM-DD HH:MM:SS (UTC)'
            WHEN c.column_type = 'INTEGER' THEN 'a whole number'
            WHEN c.column_type LIKE 'DECIMAL%' THEN 'a number with at most 2 decimals'
            WHEN c.column_type = 'FLOAT' THEN 'a number'
            ELSE r.error_message
        END AS expected
    FROM rejects r
    LEFT JOIN tn_load_columns c ON c.table_name = r.table_name AND c.column_name = r.column_name
    -- a line with the wrong number of columns is reported as that, not also as its misplaced values
    WHERE r.error_type::VARCHAR IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
       OR NOT EXISTS (SELECT 1 FROM rejects AS w
                      WHERE w.table_name = r.table_name AND w.line = r.line
                        AND w.error_type::VARCHAR IN ('MISSING COLUMNS', 'TOO MANY COLUMNS'))
),

-- Values the dictionary requires, and numbers outside their range.
value_problems AS (
    SELECT 'customers' AS table_name, rowid AS row_index, 'customer_id' AS column_name, '' AS value, 'missing value' AS kind, 'a customer_id' AS expected
        FROM load_customers WHERE customer_id IS NULL
    UNION ALL SELECT 'customers', rowid, 'plan_tier', '', 'missing value', 'a plan tier' FROM load_customers WHERE plan_tier IS NULL
    UNION ALL SELECT 'customers', rowid, 'signup_date', '', 'missing value', 'a date, YYYY-MM-DD' FROM load_customers WHERE signup_date IS NULL
    UNION ALL SELECT 'customers', rowid, 'mrr', coalesce(mrr::VARCHAR, ''), CASE WHEN mrr IS NULL THEN 'missing value' ELSE 'value out of range' END,
        'a monthly revenue of 0 or more' FROM load_customers WHERE mrr IS NULL OR mrr < 0
    UNION ALL SELECT 'usage_events', rowid, 'event_id', '', 'missing value', 'an event_id' FROM load_usage_events WHERE event_id IS NULL
    UNION ALL SELECT 'usage_events', rowid, 'timestamp', '', 'missing value', 'a timestamp, YYYY-MM-DD HH:MM:SS (UTC)' FROM load_usage_events WHERE "timestamp" IS NULL
    UNION ALL SELECT 'usage_events', rowid, 'event_type', '', 'missing value', 'an event type' FROM load_usage_events WHERE event_type IS NULL
    UNION ALL SELECT 'usage_events', rowid, 'feature_adoption_score', feature_adoption_score::VARCHAR, 'value out of range', 'a score from 0 to 1'
        FROM load_usage_events WHERE NOT feature_adoption_score BETWEEN 0 AND 1
    UNION ALL SELECT 'gtm_opportunities', rowid, 'opp_id', '', 'missing value', 'an opp_id' FROM load_gtm_opportunities WHERE opp_id IS NULL
    UNION ALL SELECT 'gtm_opportunities', rowid, 'stage', '', 'missing value', 'a stage' FROM load_gtm_opportunities WHERE stage IS NULL
    UNION ALL SELECT 'gtm_opportunities', rowid, 'opportunity_type', '', 'missing value', 'an opportunity type' FROM load_gtm_opportunities WHERE opportunity_type IS NULL
    UNION ALL SELECT 'gtm_opportunities', rowid, 'amount', amount::VARCHAR, 'value out of range', 'an amount of 0 or more' FROM load_gtm_opportunities WHERE amount < 0
    UNION ALL SELECT 'support_tickets', rowid, 'ticket_id', '', 'missing value', 'a ticket_id' FROM load_support_tickets WHERE ticket_id IS NULL
    UNION ALL SELECT 'support_tickets', rowid, 'created_date', '', 'missing value', 'a date, YYYY-MM-DD' FROM load_support_tickets WHERE created_date IS NULL
    UNION ALL SELECT 'support_tickets', rowid, 'priority', '', 'missing value', 'a priority' FROM load_support_tickets WHERE priority IS NULL
    UNION ALL SELECT 'support_tickets', rowid, 'topic', '', 'missing value', 'a topic' FROM load_support_tickets WHERE topic IS NULL
    UNION ALL SELECT 'support_tickets', rowid, 'resolution_time', resolution_time::VARCHAR, 'value out of range', 'hours to resolution, 0 or more'
        FROM load_support_tickets WHERE resolution_time < 0
    UNION ALL SELECT 'risk_signals', rowid, 'compliance_gap_score', compliance_gap_score::VARCHAR, 'value out of range', 'a score from 0 to 1'
        FROM load_risk_signals WHERE NOT compliance_gap_score BETWEEN 0 AND 1
    UNION ALL SELECT 'risk_signals', rowid, 'vendor_risk_flags', vendor_risk_flags::VARCHAR, 'value out of range', 'a count of 0 or more'
        FROM load_risk_signals WHERE vendor_risk_flags < 0
),

-- A key used by an earlier row again (the first row keeps it).
duplicate_problems AS (
    SELECT 'customers' AS table_name, rowid AS row_index, 'customer_id' AS column_name, customer_id AS value
        FROM load_customers WHERE customer_id IN (SELECT customer_id FROM load_customers GROUP BY 1 HAVING count(*) > 1)
        QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY rowid) > 1
    UNION ALL SELECT 'usage_events', rowid, 'event_id', event_id
        FROM load_usage_events WHERE event_id IN (SELECT event_id FROM load_usage_events GROUP BY 1 HAVING count(*) > 1)
        QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY rowid) > 1
    UNION ALL SELECT 'gtm_opportunities', rowid, 'opp_id', opp_id
        FROM load_gtm_opportunities WHERE opp_id IN (SELECT opp_id FROM load_gtm_opportunities GROUP BY 1 HAVING count(*) > 1)
        QUALIFY row_number() OVER (PARTITION BY opp_id ORDER BY rowid) > 1
    UNION ALL SELECT 'support_tickets', rowid, 'ticket_id', ticket_id
        FROM load_support_tickets WHERE ticket_id IN (SELECT ticket_id FROM load_support_tickets GROUP BY 1 HAVING count(*) > 1)
        QUALIFY row_number() OVER (PARTITION BY ticket_id ORDER BY rowid) > 1
    UNION ALL SELECT 'risk_signals', rowid, 'customer_id', customer_id
        FROM load_risk_signals WHERE customer_id IN (SELECT customer_id FROM load_risk_signals GROUP BY 1 HAVING count(*) > 1)
        QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY rowid) > 1
),

date_problems AS (
    SELECT 'customers' AS table_name, rowid AS row_index, 'churn_date' AS column_name, churn_date::VARCHAR AS value,
        'date order' AS kind, 'a churn_date on or after signup_date ' || signup_date AS expected
        FROM load_customers WHERE churn_date < signup_date
    UNION ALL SELECT 'customers', rowid, 'upgrade_date', upgrade_date::VARCHAR, 'date order',
        'an upgrade_date on or after signup_date ' || signup_date FROM load_customers WHERE upgrade_date < signup_date
),

customer_problems AS (
    SELECT table_name, row_index, column_name, value, kind, expected FROM value_problems WHERE table_name = 'customers'
    UNION ALL SELECT table_name, row_index, column_name, value, 'duplicate key',
        'a unique customer_id (an earlier row has this one)'
        FROM duplicate_problems WHERE table_name = 'customers'
    UNION ALL SELECT * FROM date_problems
),

-- Rows must name a customer that loaded: a rejected customer's rows go too.
known_customers AS (
    SELECT customer_id FROM load_customers
    WHERE rowid NOT IN (SELECT row_index FROM customer_problems)
),

orphan_problems AS (
    SELECT 'usage_events' AS table_name, rowid AS row_index, customer_id AS value FROM load_usage_events
        WHERE customer_id IS NULL OR customer_id NOT IN (SELECT customer_id FROM known_customers)
    UNION ALL SELECT 'gtm_opportunities', rowid, customer_id FROM load_gtm_opportunities
        WHERE customer_id IS NULL OR customer_id NOT IN (SELECT customer_id FROM known_customers)
    UNION ALL SELECT 'support_tickets', rowid, customer_id FROM load_support_tickets
        WHERE customer_id IS NULL OR customer_id NOT IN (SELECT customer_id FROM known_customers)
    UNION ALL SELECT 'risk_signals', rowid, customer_id FROM load_risk_signals
        WHERE customer_id IS NULL OR customer_id NOT IN (SELECT customer_id FROM known_customers)
)

-- line and record are filled in by sql/load/locate.sql once the files are scanned
SELECT *, NULL::BIGINT AS line, NULL::VARCHAR AS record FROM (
SELECT table_name, row_index, duckdb_line, column_name, value, kind, expected FROM read_problems
UNION ALL SELECT table_name, row_index, NULL, column_name, value, kind, expected FROM customer_problems
UNION ALL SELECT table_name, row_index, NULL, column_name, value, kind, expected FROM value_problems WHERE table_name <> 'customers'
UNION ALL SELECT table_name, row_index, NULL, column_name, value, 'duplicate key',
    'a unique ' || column_name || ' (an earlier row has this one)'
    FROM duplicate_problems WHERE table_name <> 'customers'
UNION ALL SELECT table_name, row_index, NULL, 'customer_id', coalesce(value, ''),
    CASE WHEN value IS NULL THEN 'missing value'
         WHEN value IN (SELECT customer_id FROM load_customers)
              OR EXISTS (SELECT 1 FROM tn_rejects_customers AS r WHERE contains(r.csv_line, value))
             THEN 'row of a rejected customer'
         ELSE 'unknown customer_id' END,
    CASE WHEN value IS NULL THEN 'a customer_id'
         ELSE 'a customer_id whose row in customers.csv loads' END
    FROM orphan_problems
)
