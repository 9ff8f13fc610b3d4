-- serve/score_moves.sql — what changed between each customer's last two
-- recorded scorings: per model (churn, upgrade), the three features whose
-- SHAP impact on the log-odds moved most, with the impact before and now.
-- A feature one of the two models lacks counts as an impact of 0 there;
-- the upgrade model's only when the customer was a candidate both times.
-- Features are matched by name, so two scorings by different model
-- versions compare too.
WITH scorings AS ({{ var('history') }}),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY as_of DESC) AS recency
    FROM scorings
),
last_two AS (
    SELECT * FROM ranked
    WHERE recency <= 2
      AND customer_id IN (SELECT customer_id FROM ranked WHERE recency = 2)
),
upgrade_pairs AS ( -- an expansion candidate at both scorings
    SELECT customer_id FROM last_two GROUP BY customer_id HAVING count(upgrade_shap) = 2
),
impacts AS (
    SELECT t.customer_id, t.recency, t.as_of, 'churn' AS model, f.feature, s.impact
    FROM last_two AS t,
         LATERAL (SELECT unnest(t.churn_shap) AS impact,
                         generate_subscripts(t.churn_shap, 1) - 1 AS position) AS s
    JOIN history.model_features AS f
      ON f.model_version = t.churn_model_version AND f.position = s.position
    UNION ALL
    SELECT t.customer_id, t.recency, t.as_of, 'upgrade' AS model, f.feature, s.impact
    FROM last_two AS t,
         LATERAL (SELECT unnest(t.upgrade_shap) AS impact,
                         generate_subscripts(t.upgrade_shap, 1) - 1 AS position) AS s
    JOIN history.model_features AS f
      ON f.model_version = t.expansion_model_version AND f.position = s.position
    WHERE t.customer_id IN (SELECT customer_id FROM upgrade_pairs)
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
