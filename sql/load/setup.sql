-- load/setup.sql — the working tables of one load (`tenure build --raw`,
-- `tenure validate`). All are temporary: they vanish with the connection,
-- and nothing in the warehouse changes until load/commit.sql.
SET TimeZone = 'UTC';

-- Every problem found, one row each. file_index and row_index locate the row
-- in tn_load_<table>_<file> (row_index = its rowid); duckdb_line is DuckDB's
-- line number of a record it could not read. line and record are filled in
-- once the files are scanned (load/locate.sql). A consequence is a row that
-- is only refused because another row was (its customer's).
CREATE OR REPLACE TEMP TABLE tn_problems (
    table_name     VARCHAR,
    file_index     INTEGER,
    row_index      BIGINT,
    duckdb_line    BIGINT,
    column_name    VARCHAR,
    value          VARCHAR,
    kind           VARCHAR,
    expected       VARCHAR,
    consequence    BOOLEAN DEFAULT false,
    line           BIGINT,
    record         VARCHAR
);

-- The files read: their place in their table, how to show them, their format.
CREATE OR REPLACE TEMP TABLE tn_files (
    table_name     VARCHAR,
    file_index     INTEGER,
    display        VARCHAR,
    format         VARCHAR,
    column_count   INTEGER
);

-- Each contract column's source as people see it: "Stage" for a column of
-- the file, "(sql)" for an expression, NULL when it is the contract's name.
CREATE OR REPLACE TEMP TABLE tn_column_sources (
    table_name     VARCHAR,
    column_name    VARCHAR,
    source         VARCHAR
);

-- Value maps and event roles, in priority order: the mapping's exact names,
-- the contract's own values, the mapping's patterns (in file order), and for
-- events the catch-all of generic usage when the mapping asks for it.
CREATE OR REPLACE TEMP TABLE tn_value_rules (
    table_name     VARCHAR,
    column_name    VARCHAR,
    priority       INTEGER,
    pattern        VARCHAR,  -- lower case
    is_glob        BOOLEAN,
    value          VARCHAR
);

-- The distinct source values of each categorical column.
CREATE OR REPLACE TEMP TABLE tn_value_sources (
    table_name     VARCHAR,
    column_name    VARCHAR,
    source         VARCHAR,
    rows           BIGINT
);

-- What limits the dates of rows: today, and the as-of date given (NULL: it
-- comes from the data, the day after the latest usage event).
CREATE OR REPLACE TEMP TABLE tn_load_params (
    today          DATE,
    as_of_given    DATE
);

-- Which hash() made the warehouse's meta.usage_event_keys (its table
-- comment): another DuckDB version's may differ (src/warehouse/event_keys.h).
SET VARIABLE tn_event_keys_made_by = 'hash(event_id) of DuckDB ' || version();
