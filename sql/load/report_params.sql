-- load/report_params.sql — tn_report_params: how many problems of each file
-- the report shows ($1, bound), for load/report.sql.
CREATE OR REPLACE TEMP TABLE tn_report_params AS SELECT CAST($1 AS INTEGER) AS per_file
