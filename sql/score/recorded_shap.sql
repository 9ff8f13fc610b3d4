-- score/recorded_shap.sql — what `tenure score` recorded in the score history
-- (sql/history/schema.sql) for the warehouse's as-of date with the churn ($1)
-- and expansion ($2) model versions, when that scoring was made after the
-- warehouse was built, so it read these very marts: each customer's
-- probabilities and every SHAP value of both models, the lists as text
-- (DuckDB writes a DOUBLE as the shortest text that reads back to the same
-- number). No rows: no such scoring. ml/recorded_shap.h checks each
-- customer's probabilities against the models' before using the values.
SELECT
    h.customer_id,
    h.churn_probability,
    h.upgrade_propensity,
    array_to_string(h.churn_shap, ',') AS churn_shap,
    array_to_string(h.upgrade_shap, ',') AS upgrade_shap
FROM history.customer_scores_by_as_of AS h, marts.build_info AS b
WHERE h.as_of = b.as_of
  AND h.churn_model_version = $1
  AND h.expansion_model_version = $2
  AND h.scored_at >= b.built_at
ORDER BY h.customer_id
