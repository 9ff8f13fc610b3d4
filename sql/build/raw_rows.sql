-- build/raw_rows.sql — the rows of one raw table: var('table') is its name.
SELECT count(*) FROM raw.{{ var('table') }}
