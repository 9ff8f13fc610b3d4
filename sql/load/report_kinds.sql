-- load/report_kinds.sql — how many problems of each kind each file has
-- (the project file's own, of every table, as one file; file_index NULL:
-- over all files), most frequent first.
WITH grouped AS (
    SELECT
        CASE WHEN file_index < 0 THEN 0
             ELSE list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                                 'risk_signals'], table_name) END AS table_order,
        file_index,
        kind
    FROM tn_problems
)
SELECT table_order, file_index, kind, count(*) AS problems
FROM grouped
GROUP BY GROUPING SETS ((table_order, file_index, kind), (kind))
ORDER BY table_order NULLS LAST, file_index, problems DESC, kind;
