-- load/increment_table.sql — tn_increment_<table>: an empty table of the raw
-- table's columns and types, which an increment's rows are inserted into
-- before load/merge.sql merges them. var('table') is the raw table's name.
CREATE OR REPLACE TEMP TABLE tn_increment_{{ var('table') }} AS FROM raw.{{ var('table') }} LIMIT 0;
