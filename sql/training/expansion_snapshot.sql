-- training/expansion_snapshot.sql — one snapshot of the expansion model's
-- training data: the customers active and not yet upgraded at t, with the
-- expansion mart's features evaluated as of t, and the label: upgraded within
-- the 90 days that follow, [t, t + 90).
SELECT
    {{ date_literal(var('as_of')) }} AS snapshot,
    f.*,
    coalesce(c.upgrade_date >= {{ date_literal(var('as_of')) }}
             AND c.upgrade_date < {{ dateadd('day', 90, date_literal(var('as_of'))) }}, false)::INTEGER AS label
FROM {{ ref('mart_customer_expansion_features') }} AS f
JOIN {{ ref('stg_customers') }} AS c USING (customer_id)
