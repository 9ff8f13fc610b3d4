-- ml/training_rows.sql — the rows of a training table for the encoder,
-- ordered by snapshot and customer. var('table') is the table
-- (tn_training_churn, tn_training_expansion), var('features') the model's
-- typed feature list; $1 is the last snapshot to read (NULL: all of them).
SELECT (snapshot - DATE '1970-01-01')::DOUBLE AS snapshot_day,
       label::DOUBLE AS label,
       customer_id::VARCHAR AS customer_id,
       {{ var('features') }}
FROM {{ var('table') }}
WHERE $1 IS NULL OR snapshot <= CAST($1 AS DATE)
ORDER BY snapshot, customer_id
