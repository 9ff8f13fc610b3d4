-- ml/snapshot_days.sql — the snapshot dates of a training table
-- (var('table'), the caller's own name) as days since 1970-01-01, in order:
-- exported snapshots are checked to hold the month starts `tenure train`
-- would compute.
SELECT DISTINCT (snapshot - DATE '1970-01-01')::DOUBLE AS day
FROM {{ var('table') }}
ORDER BY day
