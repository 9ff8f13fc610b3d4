-- bench/sql/events_csv.sql — the usage events of examples/exports/
-- make_exports.sql's JSON-lines stream (product/events.jsonl.gz, read from
-- the folder this runs in) written again as a product analytics tool's CSV
-- export (Amplitude's shape: ISO times in UTC with a Z, the same event
-- names), so bench/load.sh can tell the cost of the mapping from the cost of
-- decompressing and parsing JSON.
SET TimeZone = 'UTC';
COPY (
    SELECT
        properties."$insert_id" AS "Insert ID",
        properties.account_id AS "Account ID",
        strftime(make_timestamp(properties."time" * 1000000), '%Y-%m-%dT%H:%M:%SZ') AS "Event Time",
        event AS "Event Type",
        properties.adoption_score AS "Adoption Score"
    FROM read_json('product/events.jsonl.gz', format = 'newline_delimited')
) TO 'product/events.csv' (FORMAT csv, HEADER);
