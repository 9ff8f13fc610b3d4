-- load/check_format.sql — fails when DuckDB cannot read a strptime pattern
-- the mapping gives a date column. var('patterns') is the pattern, or the
-- list of them, as src/warehouse/mapping.c writes it for the load.
SELECT try_strptime('', {{ var('patterns') }})
