-- load/rejects.sql — inside the build transaction, once the as-of date is
-- known (the variable tn_load_as_of): every problem of the load is kept in
-- raw.rejects with the file's name and line, the column, the value, what
-- was expected, the record's text and the as-of date of the load that
-- refused it, so nothing is dropped silently. A full load starts the table
-- afresh (sql/raw/schema.sql drops it); an increment adds its rejects to
-- those of the loads before it, and a problem already kept with the same
-- as-of date (the same increment loaded again) is not kept twice.
CREATE TABLE IF NOT EXISTS raw.rejects (
    file         VARCHAR,
    line         BIGINT,
    column_name  VARCHAR,
    value        VARCHAR,
    kind         VARCHAR,
    expected     VARCHAR,
    record       VARCHAR,
    as_of        DATE
);

-- kept by an earlier version, without the as-of date
ALTER TABLE raw.rejects ADD COLUMN IF NOT EXISTS as_of DATE;

INSERT INTO raw.rejects BY NAME
SELECT * FROM (
    SELECT f.display AS file, p.line, p.column_name, p.value, p.kind, p.expected, p.record,
           getvariable('tn_load_as_of') AS as_of
    FROM tn_problems AS p
    LEFT JOIN tn_files AS f USING (table_name, file_index)
    EXCEPT
    SELECT file, line, column_name, value, kind, expected, record, as_of FROM raw.rejects
)
ORDER BY file, line, column_name;
