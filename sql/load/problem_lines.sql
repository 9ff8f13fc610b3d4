-- load/problem_lines.sql — tn_problem_lines: the physical line and the text
-- of each problem's record, found by scanning the files
-- (src/warehouse/csv_lines.c, appended by load_lines.c); load/locate.sql
-- copies them into tn_problems.
CREATE OR REPLACE TEMP TABLE tn_problem_lines (
    table_name     VARCHAR,
    file_index     INTEGER,
    row_index      BIGINT,
    duckdb_line    BIGINT,
    line           BIGINT,
    record         VARCHAR
)
