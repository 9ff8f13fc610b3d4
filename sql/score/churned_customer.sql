-- score/churned_customer.sql — why `tenure score --customer ID` has no score
-- for a customer: its row in staging.stg_customers (none: no such customer)
-- and its churn date as YYYY-MM-DD (NULL: not churned, so not active at the
-- as-of date for another reason). $1 is the customer id, bound.
SELECT strftime(churn_date, '%Y-%m-%d') AS churned
FROM staging.stg_customers
WHERE customer_id = $1
