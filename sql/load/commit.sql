-- load/commit.sql — inside the build transaction, after sql/raw/schema.sql has
-- replaced the raw tables: the loaded rows without a problem go into them,
-- and every problem is kept in raw.rejects with the file's line and the
-- record's text (nothing is dropped silently). Loaded data has no generation
-- record: `tenure build` then takes its as-of date from the data itself.
INSERT INTO raw.customers BY NAME
SELECT * FROM load_customers
WHERE rowid NOT IN (SELECT row_index FROM tn_problems WHERE table_name = 'customers' AND row_index IS NOT NULL);

INSERT INTO raw.usage_events BY NAME
SELECT * FROM load_usage_events
WHERE rowid NOT IN (SELECT row_index FROM tn_problems WHERE table_name = 'usage_events' AND row_index IS NOT NULL);

INSERT INTO raw.gtm_opportunities BY NAME
SELECT * FROM load_gtm_opportunities
WHERE rowid NOT IN (SELECT row_index FROM tn_problems WHERE table_name = 'gtm_opportunities' AND row_index IS NOT NULL);

INSERT INTO raw.support_tickets BY NAME
SELECT * FROM load_support_tickets
WHERE rowid NOT IN (SELECT row_index FROM tn_problems WHERE table_name = 'support_tickets' AND row_index IS NOT NULL);

INSERT INTO raw.risk_signals BY NAME
SELECT * FROM load_risk_signals
WHERE rowid NOT IN (SELECT row_index FROM tn_problems WHERE table_name = 'risk_signals' AND row_index IS NOT NULL);

CREATE TABLE raw.rejects AS
SELECT
    table_name || '.csv' AS file,
    line,
    column_name,
    value,
    kind,
    expected,
    record
FROM tn_problems
ORDER BY file, line, column_name;

DROP TABLE IF EXISTS meta.generation;
