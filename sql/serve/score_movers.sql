-- serve/score_movers.sql — who moved between each earlier recorded as-of
-- date (`since`) and the latest one, for GET /movers: one row per since
-- date, kind of move and customer active at the latest scoring, and one
-- row with kind NULL for a since date nobody moved from.
-- history/latest_per_as_of.sql gives one scoring per customer and date;
-- $1 is the rise of the churn probability (0–1) that counts.
--
-- Kinds, with tiers ranked low < medium < high < critical:
--   entered_high_risk  the churn tier is high or critical now, and was
--                      lower at `since` (or the customer was not scored then)
--   probability_rose   the churn probability rose by more than $1
--   expansion_ready    the upgrade tier is high or critical now, and was
--                      lower at `since` (or not scored then)
--   left_tier          the churn tier is lower now than at `since`
WITH scorings AS ({{ var('history') }}),
ranked AS ( -- the narrow columns only: the SHAP lists are not read
    SELECT customer_id, as_of, arr, churn_probability, churn_tier, upgrade_propensity,
           upgrade_tier,
           CASE churn_tier WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2
                           WHEN 'critical' THEN 3 END AS churn_rank,
           CASE upgrade_tier WHEN 'low' THEN 0 WHEN 'medium' THEN 1 WHEN 'high' THEN 2
                             WHEN 'critical' THEN 3 END AS upgrade_rank
    FROM scorings
),
latest AS (SELECT max(as_of) AS as_of FROM ranked),
now AS (SELECT r.* FROM ranked AS r JOIN latest AS l ON r.as_of = l.as_of),
since_dates AS (
    SELECT DISTINCT as_of AS since FROM ranked WHERE as_of < (SELECT as_of FROM latest)
),
pairs AS (
    SELECT d.since, n.customer_id, n.arr,
           b.churn_probability AS churn_before, n.churn_probability AS churn_now,
           b.churn_tier AS churn_tier_before, n.churn_tier AS churn_tier_now,
           b.churn_rank AS churn_rank_before, n.churn_rank AS churn_rank_now,
           b.upgrade_propensity AS upgrade_before, n.upgrade_propensity AS upgrade_now,
           b.upgrade_tier AS upgrade_tier_before, n.upgrade_tier AS upgrade_tier_now,
           b.upgrade_rank AS upgrade_rank_before, n.upgrade_rank AS upgrade_rank_now,
           b.customer_id IS NOT NULL AS scored_before
    FROM since_dates AS d
    CROSS JOIN now AS n
    LEFT JOIN ranked AS b ON b.customer_id = n.customer_id AND b.as_of = d.since
),
moves AS (
    SELECT 'entered_high_risk' AS kind, * FROM pairs
    WHERE churn_rank_now >= 2 AND (NOT scored_before OR churn_rank_before < 2)
    UNION ALL
    SELECT 'probability_rose', * FROM pairs
    WHERE scored_before AND churn_now - churn_before > CAST($1 AS DOUBLE)
    UNION ALL
    SELECT 'expansion_ready', * FROM pairs
    WHERE upgrade_rank_now >= 2 AND (NOT scored_before OR coalesce(upgrade_rank_before, -1) < 2)
    UNION ALL
    SELECT 'left_tier', * FROM pairs
    WHERE scored_before AND churn_rank_now < churn_rank_before
)
SELECT strftime(d.since, '%Y-%m-%d') AS since, m.kind, m.customer_id, m.arr,
       m.churn_before, m.churn_now, m.churn_tier_before, m.churn_tier_now,
       m.upgrade_before, m.upgrade_now, m.upgrade_tier_before, m.upgrade_tier_now,
       CASE WHEN m.scored_before THEN 'yes' ELSE 'no' END AS scored_before
FROM since_dates AS d
LEFT JOIN moves AS m USING (since) -- a date without movers still has its row, kind NULL
ORDER BY d.since, m.kind, m.arr DESC NULLS LAST, m.customer_id
