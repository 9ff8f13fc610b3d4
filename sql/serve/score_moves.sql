-- serve/score_moves.sql — what changed between each customer's last two
-- recorded scorings: per model (churn, upgrade), the three features whose
-- SHAP impact on the log-odds moved most, with the impact before and now.
-- A feature one of the two models lacks counts as an impact of 0 there;
-- the upgrade model's only when the customer was a candidate both times.
-- Features are matched by name, so two scorings by different model
-- versions compare too.
WITH scorings AS NOT MATERIALIZED ({{ var('history') }}),
last_dates AS ( -- the as-of dates of each customer's last two scorings (the narrow columns only)
    SELECT customer_id, max(as_of, 2) AS latest
    FROM scorings
    GROUP BY customer_id
    HAVING count(*) >= 2
),
last_two AS ( -- the two scorings themselves, recency 1 the latest
    SELECT s.*, CASE WHEN s.as_of = d.latest[1] THEN 1 ELSE 2 END AS recency
    FROM scorings AS s
    JOIN last_dates AS d ON d.customer_id = s.customer_id AND s.as_of IN (d.latest[1], d.latest[2])
),
upgrade_pairs AS ( -- an expansion candidate at both scorings
    SELECT customer_id FROM last_two GROUP BY customer_id HAVING count(upgrade_shap) = 2
),
shap AS ( -- one row per scoring, model and feature position (the two unnests go side by side)
    SELECT customer_id, recency, 'churn' AS model, churn_model_version AS version,
           unnest(churn_shap) AS impact, unnest(range(len(churn_shap))) AS position
    FROM last_two
    UNION ALL
    SELECT customer_id, recency, 'upgrade' AS model, expansion_model_version AS version,
           unnest(upgrade_shap) AS impact, unnest(range(len(upgrade_shap))) AS position
    FROM last_two
    WHERE customer_id IN (SELECT customer_id FROM upgrade_pairs)
),
impacts AS (
    SELECT s.customer_id, s.recency, s.model, f.feature, s.impact
    FROM shap AS s
    JOIN history.model_features AS f ON f.model_version = s.version AND f.position = s.position
),
paired AS (
    SELECT customer_id, model, feature,
           coalesce(max(impact) FILTER (WHERE recency = 2), 0) AS impact_before,
           coalesce(max(impact) FILTER (WHERE recency = 1), 0) AS impact_now
    FROM impacts
    GROUP BY customer_id, model, feature
),
dates AS (
    SELECT customer_id,
           strftime(max(as_of) FILTER (WHERE recency = 2), '%Y-%m-%d') AS from_as_of,
           strftime(max(as_of) FILTER (WHERE recency = 1), '%Y-%m-%d') AS to_as_of
    FROM last_two
    GROUP BY customer_id
)
SELECT p.customer_id, d.from_as_of, d.to_as_of, p.model, p.feature,
       p.impact_before, p.impact_now, p.impact_now - p.impact_before AS change
FROM paired AS p
JOIN dates AS d USING (customer_id)
WHERE p.impact_now <> p.impact_before
QUALIFY row_number() OVER (
    PARTITION BY p.customer_id, p.model
    ORDER BY abs(p.impact_now - p.impact_before) DESC, p.feature
) <= 3
ORDER BY p.customer_id, p.model, abs(change) DESC, p.feature
