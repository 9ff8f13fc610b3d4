-- load/summary_counts.sql — the load's totals once every check has run:
-- problems, consequences (rows refused only because another row was), and
-- rows with a problem (a row counts once however many problems it has).
SELECT
    (SELECT count(*) FROM tn_problems WHERE NOT consequence),
    (SELECT count(*) FROM tn_problems WHERE consequence),
    (SELECT count(DISTINCT (table_name, file_index, coalesce(row_index, -1),
                            coalesce(duckdb_line, -1)))
     FROM tn_problems
     WHERE row_index IS NOT NULL OR duckdb_line IS NOT NULL)
