-- make_exports.sql — how the files beside it were made: one generated
-- company (`tenure generate`), written out the way five real tools export
-- their data. The truth is known, so a test can load these files through
-- tenure.yml and compare the marts with those built from the same company's
-- canonical CSVs (tests/integration/test_examples.sh).
--
-- Run from this folder against a warehouse holding the company's raw tables:
--     tenure generate --customers 30 --seed 2026 --db /tmp/example.duckdb
--     duckdb_exec /tmp/example.duckdb < make_exports.sql
-- (duckdb_exec is the test build's SQL tool, tests/tools/duckdb_exec.c.)
SET TimeZone = 'UTC';
SET threads = 1;

-- A European billing system's customer list: semicolons, DD.MM.YYYY dates,
-- MRR as "1.234,50 €", its own plan names, a status column Tenure ignores.
COPY (
    SELECT
        customer_id AS "Customer Id",
        name AS "Company",
        industry AS "Industry",
        CASE plan_tier WHEN 'starter' THEN 'Starter (monthly)' WHEN 'growth' THEN 'Growth (annual)'
                       ELSE 'Enterprise' END AS "Plan",
        CASE WHEN churn_date IS NULL THEN 'active' ELSE 'cancelled' END AS "Status",
        strftime(signup_date, '%d.%m.%Y') AS "Created At",
        replace(replace(replace(format('{:,.2f}', mrr), ',', '#'), '.', ','), '#', '.') || ' €' AS "MRR",
        strftime(churn_date, '%d.%m.%Y') AS "Cancelled At",
        strftime(upgrade_date, '%d.%m.%Y') AS "Plan Changed At",
        owner AS "Account Manager",
        strftime(renewal_date, '%d.%m.%Y') AS "Next Renewal",
        crm_id AS "Salesforce Account Id"
    FROM raw.customers
    ORDER BY signup_date, customer_id
) TO 'billing/customers.csv' (FORMAT csv, DELIMITER ';', HEADER);

-- A product-analytics event export (Mixpanel's shape): one JSON object per
-- line, epoch seconds, the product's own event names, gzip'd.
COPY (
    SELECT
        CASE event_type
            WHEN 'evidence_upload' THEN 'Evidence Uploaded'
            WHEN 'monitoring_run' THEN 'Monitor Run Completed'
            WHEN 'report_view' THEN CASE WHEN hash(event_id) % 3 = 0 THEN 'Dashboard Viewed' ELSE 'Report Viewed' END
            WHEN 'user_invite' THEN 'Teammate Invited'
            WHEN 'integration_connect' THEN 'Integration Connected'
            WHEN 'api_call' THEN CASE WHEN hash(event_id) % 4 = 0 THEN 'API Token Used' ELSE 'API Request' END
            WHEN 'premium_feature_trial' THEN 'Premium Trial Started'
        END AS event,
        struct_pack(
            "time" := epoch("timestamp")::BIGINT,
            distinct_id := 'user-' || (hash(customer_id) % 100000 + hash(event_id) % 7)::VARCHAR,
            "$insert_id" := event_id,
            account_id := customer_id,
            adoption_score := feature_adoption_score::DECIMAL(5, 4),
            mp_lib := 'web'
        ) AS properties
    FROM raw.usage_events
    ORDER BY "timestamp", event_id
) TO 'product/events.jsonl.gz' (FORMAT json, COMPRESSION gzip);

-- A CRM opportunity report (Salesforce's shape): quoted fields, M/D/YYYY,
-- amounts as "$12,500.00", its own stage and type names.
COPY (
    SELECT
        '006' || upper(md5(opp_id)[1:15]) AS "Opportunity ID",
        c.name || ' - ' || CASE o.opportunity_type WHEN 'expansion' THEN 'Expansion' ELSE 'New logo' END
            AS "Opportunity Name",
        c.name AS "Account Name",
        o.customer_id AS "Account: Product Account ID",
        CASE o.stage WHEN 'prospecting' THEN 'Prospecting' WHEN 'qualification' THEN 'Qualification'
                     WHEN 'proposal' THEN 'Proposal/Price Quote' WHEN 'closed_won' THEN 'Closed Won'
                     ELSE 'Closed Lost' END AS "Stage",
        strftime(o.close_date, '%-m/%-d/%Y') AS "Close Date",
        '$' || format('{:,.2f}', o.amount) AS "Amount",
        o.sales_owner AS "Opportunity Owner",
        CASE o.opportunity_type WHEN 'expansion' THEN 'Existing Business' ELSE 'New Business' END AS "Type"
    FROM raw.gtm_opportunities AS o JOIN raw.customers AS c USING (customer_id)
    ORDER BY o.close_date, o.opp_id
) TO 'crm/opportunities.csv' (FORMAT csv, HEADER, FORCE_QUOTE *);

-- A help-desk ticket export (Zendesk's shape): numeric ids, times in the
-- agent's zone with an offset, its own priority names, the topic among the
-- tags, resolution in minutes.
COPY (
    WITH timed AS (
        SELECT
            t.*,
            row_number() OVER (ORDER BY t.created_date, t.ticket_id) + 10000 AS number,
            t.created_date + INTERVAL (hash(t.ticket_id) % 36000 + 21600) SECOND AS created_utc,
            (hash(t.ticket_id) % 4)::INTEGER AS zone
        FROM raw.support_tickets AS t
    )
    SELECT
        number AS "Id",
        c.name AS "Organization",
        customer_id AS "Organization External ID",
        CASE topic WHEN 'billing' THEN 'Question about an invoice' WHEN 'integration' THEN 'Connector failing'
                   WHEN 'onboarding' THEN 'Help with setup' WHEN 'compliance' THEN 'Audit evidence question'
                   ELSE 'Feature request' END AS "Subject",
        strftime(created_utc + INTERVAL 1 MINUTE * [120, -300, 0, 330][zone + 1]
                 , '%Y-%m-%dT%H:%M:%S')
            || ['+02:00', '-05:00', '+00:00', '+05:30'][zone + 1] AS "Created at",
        CASE priority WHEN 'low' THEN 'Low' WHEN 'medium' THEN 'Normal' WHEN 'high' THEN 'High'
                      ELSE 'Urgent' END AS "Priority",
        resolution_time * 60 AS "Full resolution time (min)",
        concat_ws(' ', CASE WHEN hash(ticket_id) % 5 = 0 THEN 'vip' END, 'topic_' || topic,
                  'plan_' || c.plan_tier) AS "Tags",
        CASE WHEN resolution_time IS NULL THEN 'Open' ELSE 'Solved' END AS "Status"
    FROM timed JOIN raw.customers AS c USING (customer_id)
    ORDER BY number
) TO 'helpdesk/tickets.csv' (FORMAT csv, HEADER);

-- A compliance tool's per-account risk export, as Parquet.
COPY (
    SELECT
        customer_id AS account_external_id,
        compliance_gap_score::DECIMAL(5, 4)::DOUBLE AS compliance_gap_score,
        vendor_risk_flags AS open_vendor_alerts
    FROM raw.risk_signals
    ORDER BY customer_id
) TO 'risk/vendor_risk.parquet' (FORMAT parquet);
