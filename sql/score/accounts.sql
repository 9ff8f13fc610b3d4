-- score/accounts.sql — how people know each customer (marts.customer_accounts),
-- for the scores of `tenure score` and the answers of `tenure serve`: name,
-- owner, next renewal (YYYY-MM-DD) with the days to it, CRM id. NULL where the
-- data does not say. Every column is VARCHAR or DOUBLE.
SELECT
    customer_id::VARCHAR AS customer_id,
    name::VARCHAR AS name,
    owner::VARCHAR AS owner,
    strftime(renewal_date, '%Y-%m-%d') AS renewal_date,
    days_to_renewal::DOUBLE AS days_to_renewal,
    crm_id::VARCHAR AS crm_id
FROM marts.customer_accounts
ORDER BY customer_id
