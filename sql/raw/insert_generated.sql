-- raw/insert_generated.sql — one raw table's rows from `tenure generate`:
-- var('table') is the table, tn_generate_<table>() the table function the
-- generator registers for it (src/gen/write_duckdb.c).
INSERT INTO raw.{{ var('table') }} SELECT * FROM tn_generate_{{ var('table') }}()
