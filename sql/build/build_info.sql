-- build/build_info.sql — one row about the last `tenure build`: the as-of
-- date every window of the marts ends at, the data's own as-of date (the day
-- after its last day), where the raw data came from ('generated' or
-- 'loaded'), when, by which version, and the rows of every raw table and
-- model. Every API answer carries the as-of date read from here.
CREATE OR REPLACE TABLE marts.build_info (
    as_of           DATE,
    data_as_of      DATE,
    source          VARCHAR,
    built_at        TIMESTAMP, -- UTC
    tenure_version  VARCHAR,
    row_counts      MAP(VARCHAR, BIGINT)
);
