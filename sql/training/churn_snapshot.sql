-- training/churn_snapshot.sql — one snapshot of the churn model's training
-- data: the customers active at the snapshot date t, with the churn mart's
-- features evaluated as of t (`tenure train` points the ref at the mart
-- rendered with as_of = t: the same SQL as serving), and the label: churned
-- within the 90 days that follow, [t, t + 90).
SELECT
    {{ date_literal(var('as_of')) }} AS snapshot,
    f.*,
    coalesce(c.churn_date >= {{ date_literal(var('as_of')) }}
             AND c.churn_date < {{ dateadd('day', 90, date_literal(var('as_of'))) }}, false)::INTEGER AS label
FROM {{ ref('mart_customer_churn_features') }} AS f
JOIN {{ ref('stg_customers') }} AS c USING (customer_id)
