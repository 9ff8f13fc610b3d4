-- serve/open_opportunities.sql — the CRM opportunities still in the pipeline
-- (prospecting, qualification, proposal) of the customers active at the
-- as-of date. The raw data has no stage history, so an opportunity is known
-- to be open only on the data's own as-of date: a warehouse built as of an
-- earlier date shows none (as mart_customer_expansion_features does).
SELECT
    o.customer_id::VARCHAR AS customer_id,
    o.opp_id::VARCHAR AS opp_id,
    o.stage::VARCHAR AS stage,
    o.opportunity_type::VARCHAR AS opportunity_type,
    o.amount::DOUBLE AS amount,
    strftime(o.close_date, '%Y-%m-%d') AS close_date,
    o.sales_owner::VARCHAR AS sales_owner
FROM staging.stg_gtm_opportunities AS o
JOIN marts.mart_customer_churn_features AS f USING (customer_id)
CROSS JOIN marts.build_info AS b
WHERE o.is_open AND b.as_of >= b.data_as_of
ORDER BY o.customer_id, o.close_date, o.opp_id
