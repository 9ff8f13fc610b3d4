-- load/check_timezone.sql — fails when DuckDB does not know the time zone
-- $1 (bound), which a timestamp column of the mapping names.
SELECT timezone($1, TIMESTAMP '2020-01-01 00:00:00')
