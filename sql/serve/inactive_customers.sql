-- serve/inactive_customers.sql — the customers the warehouse knows who are
-- not active at its as-of date: those who churned before it (with the
-- date), and those who signed up on or after it (churned is NULL).
SELECT
    c.customer_id::VARCHAR AS customer_id,
    CASE WHEN c.signup_date < b.as_of THEN strftime(c.churn_date, '%Y-%m-%d') END AS churned
FROM staging.stg_customers AS c
CROSS JOIN marts.build_info AS b
WHERE c.signup_date >= b.as_of OR c.churn_date < b.as_of
ORDER BY c.customer_id
