-- serve/snapshot_info.sql — the build a serving snapshot comes from (one
-- row): its as-of date, the data's own as-of date and when it was built.
SELECT
    strftime(as_of, '%Y-%m-%d') AS as_of,
    strftime(data_as_of, '%Y-%m-%d') AS data_as_of,
    strftime(built_at, '%Y-%m-%dT%H:%M:%SZ') AS built_at -- stored in UTC
FROM marts.build_info
