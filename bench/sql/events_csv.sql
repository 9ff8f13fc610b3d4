-- bench/sql/events_csv.sql — the usage events of a warehouse as a product
-- analytics tool's CSV export (Amplitude's shape: ISO times in UTC with a Z,
-- the product's own event names), beside the JSON-lines stream of
-- examples/exports/make_exports.sql, so bench/load.sh can tell the cost of
-- the mapping from the cost of decompressing and parsing JSON.
SET TimeZone = 'UTC';
COPY (
    SELECT
        event_id AS "Insert ID",
        customer_id AS "Account ID",
        strftime("timestamp", '%Y-%m-%dT%H:%M:%SZ') AS "Event Time",
        CASE event_type
            WHEN 'evidence_upload' THEN 'Evidence Uploaded'
            WHEN 'monitoring_run' THEN 'Monitor Run Completed'
            WHEN 'report_view' THEN CASE WHEN hash(event_id) % 3 = 0 THEN 'Dashboard Viewed' ELSE 'Report Viewed' END
            WHEN 'user_invite' THEN 'Teammate Invited'
            WHEN 'integration_connect' THEN 'Integration Connected'
            WHEN 'api_call' THEN CASE WHEN hash(event_id) % 4 = 0 THEN 'API Token Used' ELSE 'API Request' END
            WHEN 'premium_feature_trial' THEN 'Premium Trial Started'
        END AS "Event Type",
        feature_adoption_score::DECIMAL(5, 4) AS "Adoption Score"
    FROM raw.usage_events
) TO 'product/events.csv' (FORMAT csv, HEADER);
