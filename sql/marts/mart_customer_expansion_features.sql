-- mart_customer_expansion_features — one row per customer active and not yet
-- upgraded at the as-of date: the 15 churn features (joined from
-- mart_customer_churn_features, not recomputed) and the five expansion
-- signals of the data dictionary.
--
-- The CRM export holds each opportunity's current stage, not its history, so
-- an open deal is known to be open on the data's own as-of date and on no
-- earlier day: evaluated at an earlier as-of date (training snapshots) the
-- pipeline signals are empty rather than borrowed from the future.
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of, {{ date_literal(var('data_as_of')) }} AS data_as_of
),

candidates AS (
    SELECT f.*
    FROM {{ ref('mart_customer_churn_features') }} AS f
    JOIN {{ ref('stg_customers') }} AS c USING (customer_id), params AS p
    WHERE c.upgrade_date IS NULL OR c.upgrade_date >= p.as_of
),

trials AS (
    SELECT u.customer_id, sum(u.premium_feature_trials) AS premium_feature_trials_30d
    FROM {{ ref('usage_daily') }} AS u, params AS p
    WHERE u.premium_feature_trials > 0
      AND u.day >= {{ dateadd('day', -30, 'p.as_of') }} AND u.day < p.as_of
    GROUP BY u.customer_id
),

requests AS (
    SELECT t.customer_id, count(*) AS feature_request_tickets_90d
    FROM {{ ref('stg_support_tickets') }} AS t, params AS p
    WHERE t.topic = 'feature_request'
      AND t.created_date >= {{ dateadd('day', -90, 'p.as_of') }} AND t.created_date < p.as_of
    GROUP BY t.customer_id
),

pipeline AS (
    SELECT o.customer_id, sum(o.amount) AS expansion_opp_amount
    FROM {{ ref('stg_gtm_opportunities') }} AS o, params AS p
    WHERE o.opportunity_type = 'expansion' AND o.is_open AND p.as_of >= p.data_as_of
    GROUP BY o.customer_id
)

SELECT
    c.*,
    coalesce(tr.premium_feature_trials_30d, 0)::INTEGER AS premium_feature_trials_30d,
    coalesce(rq.feature_request_tickets_90d, 0)::INTEGER AS feature_request_tickets_90d,
    pl.customer_id IS NOT NULL AS has_open_expansion_opp,
    coalesce(pl.expansion_opp_amount, 0)::DECIMAL(14, 2) AS expansion_opp_amount,
    least(1.0, greatest(0.0, (c.mrr - tier.mrr_floor) / (tier.mrr_ceiling - tier.mrr_floor)))::DOUBLE PRECISION
        AS mrr_tier_ceiling_pct
FROM candidates AS c
JOIN {{ ref('stg_plan_tiers') }} AS tier USING (plan_tier)
LEFT JOIN trials AS tr USING (customer_id)
LEFT JOIN requests AS rq USING (customer_id)
LEFT JOIN pipeline AS pl USING (customer_id)
ORDER BY c.customer_id
