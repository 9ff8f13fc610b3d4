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
-- Each increment row: whether the warehouse holds its key, and whether it
-- holds this very row.
CREATE OR REPLACE TEMP TABLE tn_merge_{{ var('table') }} AS
SELECT
    i.*,
    EXISTS (SELECT 1 FROM tn_stored_match_{{ var('table') }} AS m
            WHERE m._row.{{ var('key') }} = i.{{ var('key') }}) AS _stored,
    EXISTS (SELECT 1 FROM tn_stored_match_{{ var('table') }} AS m
            WHERE m._row.{{ var('key') }} = i.{{ var('key') }} AND m._row IS NOT DISTINCT FROM i) AS _unchanged
FROM tn_increment_{{ var('table') }} AS i;

-- The stored rows with an increment row's key that differ from it.
DELETE FROM raw.{{ var('table') }}
WHERE rowid IN (SELECT m._rowid
                FROM tn_stored_match_{{ var('table') }} AS m
                JOIN tn_increment_{{ var('table') }} AS i ON m._row.{{ var('key') }} = i.{{ var('key') }}
                WHERE m._row IS DISTINCT FROM i);

INSERT INTO raw.{{ var('table') }}
SELECT * EXCLUDE (_stored, _unchanged) FROM tn_merge_{{ var('table') }} WHERE NOT _unchanged;

-- added, replaced, unchanged
SELECT
    count(*) FILTER (NOT _stored),
    count(*) FILTER (_stored AND NOT _unchanged),
    count(*) FILTER (_unchanged)
FROM tn_merge_{{ var('table') }};
