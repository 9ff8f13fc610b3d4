-- load/report.sql — the problems to show, file by file: at most
-- tn_report_params.per_file of each file, a row's own problems before the
-- rows refused with their customer, in line order; and each file's counts.
-- The project file's own problems (file_index -1, of every table) come
-- first, as one file. The numbering runs on the narrow columns only: a
-- cascade can hold millions of problems.
WITH grouped AS (
    SELECT
        *,
        CASE WHEN file_index < 0 THEN 0
             ELSE list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                                 'risk_signals'], table_name) END AS table_order,
        row_index IS NOT NULL OR duckdb_line IS NOT NULL AS is_row
    FROM tn_problems
),

numbered AS (
    SELECT
        table_name, table_order, file_index, line, column_name, expected, consequence, is_row,
        -- a record that could not be read at all is shown by its text
        CASE WHEN column_name = '(whole record)' THEN left(record, 60) ELSE value END AS value,
        row_number() OVER (PARTITION BY table_order, file_index
                           ORDER BY consequence, line NULLS LAST, row_index, duckdb_line, column_name) AS n
    FROM grouped
),

shown AS (
    SELECT * FROM numbered, tn_report_params AS r WHERE n <= r.per_file
),

counts AS (
    SELECT table_order, file_index,
           count(*) FILTER (NOT consequence) AS own,
           count(*) FILTER (consequence) AS refused_with_customer
    FROM grouped
    GROUP BY ALL
)

SELECT
    s.table_order,
    s.file_index,
    f.display,
    coalesce(CAST(s.line AS VARCHAR), CASE WHEN s.is_row THEN '?' ELSE '' END) AS line,
    CASE WHEN s.file_index < 0 THEN s.table_name || '.' || s.column_name
         WHEN c.source IS NULL OR c.source = s.column_name THEN s.column_name
         ELSE s.column_name || ' (' || c.source || ')' END AS column_name,
    replace(coalesce(s.value, ''), chr(0), '\0') AS value,
    replace(replace(s.expected, chr(0), '\0'), chr(10), ' ') AS expected,
    k.own,
    k.refused_with_customer
FROM shown AS s
JOIN counts AS k USING (table_order, file_index)
LEFT JOIN tn_files AS f ON f.table_name = s.table_name AND f.file_index = s.file_index
LEFT JOIN tn_column_sources AS c ON c.table_name = s.table_name AND c.column_name = s.column_name
ORDER BY s.table_order, s.file_index, s.n;
