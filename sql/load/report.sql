-- load/report.sql — the problems to show, file by file: at most
-- tn_report_params.per_file of each file, a row's own problems before the
-- rows refused with their customer, in line order; and each file's counts.
-- The numbering runs on the narrow columns only: a cascade can hold
-- millions of problems.
WITH numbered AS (
    SELECT
        table_name, file_index, line, column_name, value, expected, consequence,
        row_number() OVER (PARTITION BY table_name, file_index
                           ORDER BY consequence, line NULLS LAST, row_index, duckdb_line, column_name) AS n
    FROM tn_problems
),

shown AS (
    SELECT * FROM numbered, tn_report_params AS r WHERE n <= r.per_file
),

counts AS (
    SELECT table_name, file_index,
           count(*) FILTER (NOT consequence) AS own,
           count(*) FILTER (consequence) AS refused_with_customer
    FROM tn_problems
    GROUP BY ALL
)

SELECT
    list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                   'risk_signals'], s.table_name) AS table_order,
    s.file_index,
    f.display,
    coalesce(CAST(s.line AS VARCHAR), '') AS line,
    CASE WHEN c.source IS NULL OR c.source = s.column_name THEN s.column_name
         ELSE s.column_name || ' (' || c.source || ')' END AS column_name,
    replace(coalesce(s.value, ''), chr(0), '\0') AS value,
    replace(s.expected, chr(0), '\0') AS expected,
    k.own,
    k.refused_with_customer
FROM shown AS s
JOIN counts AS k USING (table_name, file_index)
LEFT JOIN tn_files AS f USING (table_name, file_index)
LEFT JOIN tn_column_sources AS c USING (table_name, column_name)
ORDER BY table_order, s.file_index, s.n;
