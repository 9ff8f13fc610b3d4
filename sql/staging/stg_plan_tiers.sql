-- stg_plan_tiers — the plan tiers: their MRR bands (USD), the
-- tier an upgrade leads to, and the price multiple of that move.
SELECT *
FROM (VALUES
    ('starter',    500.00,   2000.00, 'growth',     3.0),
    ('growth',     2000.00,  8000.00, 'enterprise', 5.0),
    ('enterprise', 8000.00, 50000.00, 'custom',     1.2)
) AS tiers (plan_tier, mrr_floor, mrr_ceiling, next_tier, next_tier_multiplier)
