-- ml/expansion_features.sql — the expansion model's features of every
-- customer it scores, in customer_id order, with the plan an upgrade leads
-- to and its price multiple. var('features') is the model's typed feature
-- list (ml/features.c), whose names are the mart's own: the plan's two
-- columns come from subqueries so that no name is ambiguous.
SELECT customer_id::VARCHAR AS customer_id,
       {{ var('features') }},
       (SELECT t.next_tier FROM staging.stg_plan_tiers AS t
        WHERE t.plan_tier = m.plan_tier)::VARCHAR AS next_tier,
       (SELECT t.next_tier_multiplier FROM staging.stg_plan_tiers AS t
        WHERE t.plan_tier = m.plan_tier)::DOUBLE AS multiplier
FROM marts.mart_customer_expansion_features AS m
ORDER BY customer_id
