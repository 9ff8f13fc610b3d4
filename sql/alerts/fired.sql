-- alerts/fired.sql — the customers one alert rule fires for: each customer
-- of the latest scoring of the as-of date $1, beside its scoring of the
-- recorded as-of date before it, $2 (history/latest_per_as_of.sql gives one
-- scoring per customer and date). A customer not scored at $2 (new since)
-- counts as below every tier and every value there, and has no rise.
--
-- The rule's conditions are the parameters $3 … $11, in the order of
-- tn_alert_condition (insight/alert_rules.h); NULL means the rule does not
-- ask it, and those it asks must all hold. Tiers are ranked low 0,
-- medium 1, high 2, critical 3.
--   $3  churn_tier_enters          rank now >= $3 and rank before < $3
--   $4  risk_tier_enters           the same for the composite risk score's tier
--   $5  upgrade_tier_enters        the same for the upgrade propensity's tier
--   $6  churn_probability_crosses  before < $6 <= now
--   $7  propensity_crosses         the same for the upgrade propensity
--   $8  risk_score_crosses         the same for the composite risk score
--   $9  churn_probability_rises_by scored before, and now - before >= $9
--   $10 arr_at_least               ARR now >= $10
--   $11 plan_tier                  the plan now is one of $11 ("growth,enterprise")
-- Ordered by ARR, largest first.
WITH scorings AS ({{ var('history') }}),
ranked AS (
    SELECT *,
           list_position(['low', 'medium', 'high', 'critical'], churn_tier) - 1 AS churn_rank,
           list_position(['low', 'medium', 'high', 'critical'], risk_score_tier) - 1 AS risk_rank,
           list_position(['low', 'medium', 'high', 'critical'], upgrade_tier) - 1 AS upgrade_rank
    FROM scorings
    WHERE as_of = CAST($1 AS DATE) OR as_of = CAST($2 AS DATE)
),
pairs AS (
    SELECT n.customer_id, c.name, c.owner, c.plan_tier, b.customer_id IS NOT NULL AS scored_before,
           b.churn_probability AS churn_before, n.churn_probability AS churn_now,
           b.churn_tier AS churn_tier_before, n.churn_tier AS churn_tier_now,
           b.churn_rank AS churn_rank_before, n.churn_rank AS churn_rank_now,
           b.upgrade_propensity AS upgrade_before, n.upgrade_propensity AS upgrade_now,
           b.upgrade_tier AS upgrade_tier_before, n.upgrade_tier AS upgrade_tier_now,
           b.upgrade_rank AS upgrade_rank_before, n.upgrade_rank AS upgrade_rank_now,
           b.risk_score AS risk_before, n.risk_score AS risk_now,
           b.risk_score_tier AS risk_tier_before, n.risk_score_tier AS risk_tier_now,
           b.risk_rank AS risk_rank_before, n.risk_rank AS risk_rank_now,
           b.arr AS arr_before, n.arr AS arr_now,
           array_to_string(n.churn_top_drivers, ',') AS churn_drivers,
           array_to_string(n.upgrade_top_drivers, ',') AS upgrade_drivers
    FROM ranked AS n
    LEFT JOIN ranked AS b ON b.customer_id = n.customer_id AND b.as_of = CAST($2 AS DATE)
    LEFT JOIN staging.stg_customers AS c ON c.customer_id = n.customer_id
    WHERE n.as_of = CAST($1 AS DATE)
)
SELECT customer_id, CAST(name AS VARCHAR) AS name, CAST(owner AS VARCHAR) AS owner,
       CAST(plan_tier AS VARCHAR) AS plan_tier,
       CASE WHEN scored_before THEN 'yes' ELSE 'no' END AS scored_before,
       churn_before, churn_now, churn_tier_before, churn_tier_now,
       upgrade_before, upgrade_now, upgrade_tier_before, upgrade_tier_now,
       risk_before, risk_now, risk_tier_before, risk_tier_now,
       arr_before, arr_now, churn_drivers, upgrade_drivers
FROM pairs
WHERE (CAST($3 AS INTEGER) IS NULL OR (churn_rank_now >= CAST($3 AS INTEGER)
                                       AND coalesce(churn_rank_before, -1) < CAST($3 AS INTEGER)))
  AND (CAST($4 AS INTEGER) IS NULL OR (risk_rank_now >= CAST($4 AS INTEGER)
                                       AND coalesce(risk_rank_before, -1) < CAST($4 AS INTEGER)))
  AND (CAST($5 AS INTEGER) IS NULL OR (upgrade_rank_now >= CAST($5 AS INTEGER)
                                       AND coalesce(upgrade_rank_before, -1) < CAST($5 AS INTEGER)))
  AND (CAST($6 AS DOUBLE) IS NULL OR (churn_now >= CAST($6 AS DOUBLE)
                                      AND coalesce(churn_before, -1) < CAST($6 AS DOUBLE)))
  AND (CAST($7 AS DOUBLE) IS NULL OR (upgrade_now >= CAST($7 AS DOUBLE)
                                      AND coalesce(upgrade_before, -1) < CAST($7 AS DOUBLE)))
  AND (CAST($8 AS DOUBLE) IS NULL OR (risk_now >= CAST($8 AS DOUBLE)
                                      AND coalesce(risk_before, -1) < CAST($8 AS DOUBLE)))
  AND (CAST($9 AS DOUBLE) IS NULL OR (scored_before
                                      AND churn_now - churn_before >= CAST($9 AS DOUBLE) - 1e-12))
  AND (CAST($10 AS DOUBLE) IS NULL OR arr_now >= CAST($10 AS DOUBLE))
  AND ($11 IS NULL OR list_contains(string_split($11, ','), plan_tier))
ORDER BY arr_now DESC NULLS LAST, customer_id
