-- load/report.sql — the problems to show, file by file: at most
-- tn_report_params.per_file of each file, a row's own problems before the
-- rows refused with their customer, in line order. Also the file's counts.
WITH located AS (
    SELECT
        p.*,
        f.display,
        list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                       'risk_signals'], p.table_name) AS table_order,
        s.source
    FROM tn_problems AS p
    LEFT JOIN tn_files AS f USING (table_name, file_index)
    LEFT JOIN tn_column_sources AS s USING (table_name, column_name)
),

numbered AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY table_name, file_index
                           ORDER BY consequence, line NULLS LAST, row_index, duckdb_line, column_name) AS n,
        count(*) FILTER (NOT consequence) OVER (PARTITION BY table_name, file_index) AS own,
        count(*) FILTER (consequence) OVER (PARTITION BY table_name, file_index) AS refused_with_customer
    FROM located
)

SELECT
    table_order,
    file_index,
    display,
    coalesce(CAST(line AS VARCHAR), '') AS line,
    CASE WHEN source IS NULL OR source = column_name THEN column_name
         ELSE column_name || ' (' || source || ')' END AS column_name,
    replace(coalesce(value, ''), chr(0), '\0') AS value,
    replace(expected, chr(0), '\0') AS expected,
    own,
    refused_with_customer
FROM numbered, tn_report_params AS r
WHERE n <= r.per_file
ORDER BY table_order, file_index, n;
