-- history/latest_per_as_of.sql — the score history with one scoring per
-- customer and as-of date: when an as-of was scored by more than one pair
-- of models, the latest scoring (then the latest model versions) stands.
-- Up to the warehouse's as-of date: a history that runs past it (the
-- warehouse was rebuilt from older data) does not show the future.
SELECT h.*
FROM history.customer_scores_by_as_of AS h
CROSS JOIN marts.build_info AS b
WHERE h.as_of <= b.as_of
QUALIFY row_number() OVER (
    PARTITION BY h.customer_id, h.as_of
    ORDER BY h.scored_at DESC, h.churn_model_version DESC, h.expansion_model_version DESC
) = 1
