-- ml/churn_features.sql — the churn model's features of every active
-- customer, in customer_id order, for scoring. var('features') is the
-- model's typed feature list (ml/features.c).
SELECT customer_id::VARCHAR AS customer_id,
       {{ var('features') }}
FROM marts.mart_customer_churn_features AS m
ORDER BY customer_id
