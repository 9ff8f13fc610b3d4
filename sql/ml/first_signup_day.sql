-- ml/first_signup_day.sql — the first customer's signup, as days since
-- 1970-01-01 (NULL when there are no customers): the month after it is the
-- first training snapshot.
SELECT (min(signup_date) - DATE '1970-01-01')::DOUBLE AS day
FROM staging.stg_customers
