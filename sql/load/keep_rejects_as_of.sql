-- load/keep_rejects_as_of.sql — the build's as-of date ($1, YYYY-MM-DD,
-- bound) for load/rejects.sql, which records it beside each refused row.
SET VARIABLE tn_load_as_of = CAST($1 AS DATE)
