-- history/model_feature.sql — one feature of a model version ($1) at a
-- position ($2, from 0) named $3, unless that version's features are there.
INSERT INTO history.model_features
SELECT $1, CAST($2 AS INTEGER), $3
WHERE NOT EXISTS (SELECT 1 FROM history.model_features
                  WHERE model_version = $1 AND position = CAST($2 AS INTEGER))
