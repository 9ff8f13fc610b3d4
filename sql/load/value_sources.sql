-- load/value_sources.sql — the distinct source values of one categorical
-- column, with their row counts, into tn_value_sources. $1 table and $2
-- column are bound; var('table') and var('column') are the same names as
-- identifiers (the load view tn_load_<table> and its column).
INSERT INTO tn_value_sources
SELECT $1, $2, "{{ var('column') }}", count(*)
FROM tn_load_{{ var('table') }}
WHERE "{{ var('column') }}" IS NOT NULL
GROUP BY 3
