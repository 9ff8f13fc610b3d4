-- load/merge.sql — one raw table's part of an increment (`tenure build --raw
-- DIR --append`), merged by the table's primary key inside the build
-- transaction. Rendered for each table the increment has, with
-- var('table') and var('key'). Reads tn_increment_<table> (the increment's
-- rows without problems, values mapped, in the raw table's own columns and
-- types) and tn_stored_match_<table> (the stored rows with the same keys,
-- sql/load/stored.sql).
--
-- A row whose key is stored replaces the stored row whole; a new key is
-- added; a row identical to the stored one changes nothing, so repeating an
-- increment writes nothing at all.
CREATE OR REPLACE TEMP TABLE tn_merge_{{ var('table') }} AS
SELECT
    i.*,
    m._rowid AS _stored_rowid,
    m._row IS NOT DISTINCT FROM i AS _unchanged
FROM tn_increment_{{ var('table') }} AS i
LEFT JOIN tn_stored_match_{{ var('table') }} AS m ON m._row.{{ var('key') }} = i.{{ var('key') }};

DELETE FROM raw.{{ var('table') }}
WHERE rowid IN (SELECT _stored_rowid FROM tn_merge_{{ var('table') }} WHERE NOT _unchanged);

INSERT INTO raw.{{ var('table') }}
SELECT * EXCLUDE (_stored_rowid, _unchanged) FROM tn_merge_{{ var('table') }} WHERE NOT _unchanged;

-- added, replaced, unchanged
SELECT
    count(*) FILTER (_stored_rowid IS NULL),
    count(*) FILTER (_stored_rowid IS NOT NULL AND NOT _unchanged),
    count(*) FILTER (_unchanged)
FROM tn_merge_{{ var('table') }};
