-- history/recorded.sql — how many rows the history has for an as-of date
-- ($1) scored by a churn model ($2) and an expansion model ($3) version:
-- more than 0 means this scoring is recorded already.
SELECT count(*)
FROM history.customer_scores_by_as_of
WHERE as_of = CAST($1 AS DATE)
  AND churn_model_version = $2
  AND expansion_model_version = $3
