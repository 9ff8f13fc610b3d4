-- load/commit.sql — inside the build transaction, after the loader has put
-- the rows without a problem into the raw tables: every problem is kept in
-- raw.rejects with the file's name and line and the record's text, so
-- nothing is dropped silently. Loaded data has no generation record: `tenure
-- build` then takes its as-of date from the data itself.
CREATE TABLE raw.rejects AS
SELECT
    f.display AS file,
    p.line,
    p.column_name,
    p.value,
    p.kind,
    p.expected,
    p.record
FROM tn_problems AS p
LEFT JOIN tn_files AS f USING (table_name, file_index)
ORDER BY file, line, column_name;

DROP TABLE IF EXISTS meta.generation;
