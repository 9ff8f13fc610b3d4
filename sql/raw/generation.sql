-- raw/generation.sql — what `tenure generate` records beside the raw tables:
-- the as-of date its data runs up to (the day after the last possible event),
-- and how it was made. `tenure build` reads the as-of date from here; a
-- company's own data loaded with `tenure build --raw` has no such row.
CREATE SCHEMA IF NOT EXISTS meta;

CREATE OR REPLACE TABLE meta.generation (
    as_of           DATE,     -- the data covers the two years before this day
    seed            UBIGINT,
    customers       UBIGINT,
    tenure_version  VARCHAR
);
