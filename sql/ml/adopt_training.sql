-- ml/adopt_training.sql — `tenure train --parquet DIR`: a training table
-- (var('into'): tn_training_churn, tn_training_expansion) from the exported
-- snapshot rows (var('from'): training.churn_snapshots, ...), in place of
-- computing them from the raw data, which --parquet does not have. Both
-- names are the caller's own.
CREATE OR REPLACE TEMP TABLE {{ var('into') }} AS
SELECT * FROM {{ var('from') }}
