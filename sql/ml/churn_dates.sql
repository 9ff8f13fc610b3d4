-- ml/churn_dates.sql — every customer's churn date as days since 1970-01-01
-- (NULL: not churned), for the survival model's times to churn
-- (ml/survival_train.h). The warehouse may hold data after the training's
-- as-of date (a backtest); the C side censors every time at the as-of date,
-- so a churn on or after it is never seen.
SELECT customer_id::VARCHAR AS customer_id,
       (churn_date - DATE '1970-01-01')::DOUBLE AS churn_day
FROM staging.stg_customers
ORDER BY customer_id
