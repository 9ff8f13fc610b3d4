-- score/recorded_features.sql — the features of a model version ($1) as the
-- score history records them (history.model_features), in the order of its
-- SHAP lists.
SELECT feature
FROM history.model_features
WHERE model_version = $1
ORDER BY position
