-- history/latest_as_of.sql — the latest as-of date the score history records
-- (up to the warehouse's as-of date: history/latest_per_as_of.sql), or NULL.
SELECT strftime(max(as_of), '%Y-%m-%d') AS latest
FROM ({{ var('history') }}) AS h
