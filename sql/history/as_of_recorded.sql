-- history/as_of_recorded.sql — how many rows the history has for an as-of
-- date ($1) by any models: 0 means a scoring of it is a new as-of date,
-- the one after which alerts go out (insight/alerts.h).
SELECT count(*)
FROM history.customer_scores_by_as_of
WHERE as_of = CAST($1 AS DATE)
