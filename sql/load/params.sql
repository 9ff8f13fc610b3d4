-- load/params.sql — the limits of a load's dates into tn_load_params: $1
-- today, $2 the as-of date given (NULL: it comes from the data), as
-- YYYY-MM-DD, bound.
INSERT INTO tn_load_params VALUES (CAST($1 AS DATE), CAST($2 AS DATE))
