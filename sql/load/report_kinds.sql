-- load/report_kinds.sql — how many problems of each kind each file has
-- (file_index NULL: over all files), most frequent first.
SELECT
    list_position(['customers', 'usage_events', 'gtm_opportunities', 'support_tickets',
                   'risk_signals'], table_name) AS table_order,
    file_index,
    kind,
    count(*) AS problems
FROM tn_problems
GROUP BY GROUPING SETS ((table_name, file_index, kind), (kind))
ORDER BY table_order NULLS LAST, file_index, problems DESC, kind;
