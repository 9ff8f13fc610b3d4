-- serve/score_moves.sql — what changed between each customer's last two
-- recorded scorings: per model (churn, upgrade), the three features whose
-- SHAP impact on the log-odds moved most, with the impact before and now.
-- A feature one of the two models lacks counts as an impact of 0 there;
-- the upgrade model's only when the customer was a candidate both times.
-- Features are matched by name, so two scorings by different model
-- versions compare too.
--
-- Each pair is compared inside its lists (one row per customer and model)
-- rather than by unnesting every impact and grouping on the customer's id:
-- at 36k customers scored twice that grouping was most of serve's history.
-- Features are matched by name once per pair of model versions
-- (position_maps); each customer's impacts are then taken by position.
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
features AS ( -- each model version's features, in the order of its SHAP lists
    SELECT model_version, list(feature ORDER BY position) AS names
    FROM history.model_features
    GROUP BY model_version
),
sides AS ( -- one row per scoring and model: its model version and impacts
    SELECT customer_id, recency, 'churn' AS model, churn_model_version AS version,
           churn_shap AS impacts
    FROM last_two
    UNION ALL
    SELECT customer_id, recency, 'upgrade', expansion_model_version, upgrade_shap
    FROM last_two
    WHERE customer_id IN (SELECT customer_id FROM upgrade_pairs)
),
paired AS ( -- per customer and model, the scoring now (n) beside the one before (b)
    SELECT n.customer_id, n.model, n.version AS version_now, b.version AS version_before,
           n.impacts AS impacts_now, b.impacts AS impacts_before
    FROM sides AS n
    JOIN sides AS b ON b.customer_id = n.customer_id AND b.model = n.model AND b.recency = 2
    WHERE n.recency = 1
),
position_maps AS ( -- per pair of versions compared: every feature of either, and where each
                   -- version's list has it (NULL: it lacks it). Matched by name once per pair,
                   -- not once per customer.
    SELECT v.version_now, v.version_before,
           list_transform(list_distinct(list_concat(coalesce(fn.names, []), coalesce(fb.names, []))),
               name -> {'feature': name,
                        'at_now': list_position(coalesce(fn.names, []), name),
                        'at_before': list_position(coalesce(fb.names, []), name)}) AS features
    FROM (SELECT DISTINCT version_now, version_before FROM paired) AS v
    LEFT JOIN features AS fn ON fn.model_version = v.version_now
    LEFT JOIN features AS fb ON fb.model_version = v.version_before
),
compared AS ( -- per customer and model, every feature of either side: impact then and now
    SELECT p.customer_id, p.model,
           list_transform(m.features, f -> {
               'impact_before': coalesce(p.impacts_before[f.at_before], 0),
               'impact_now': coalesce(p.impacts_now[f.at_now], 0),
               'feature': f.feature}) AS impacts
    FROM paired AS p
    JOIN position_maps AS m USING (version_now, version_before)
),
top_moves AS ( -- the three that moved most (ties by feature name), as a list sorted by that
    SELECT customer_id, model,
           list_sort(list_transform(
               list_filter(impacts, i -> i.impact_now <> i.impact_before),
               i -> {'order': -abs(i.impact_now - i.impact_before), 'feature': i.feature,
                     'impact_before': i.impact_before, 'impact_now': i.impact_now}))[1:3] AS moved
    FROM compared
),
moves AS (
    SELECT customer_id, model, unnest(moved, recursive := true)
    FROM top_moves
)
SELECT m.customer_id, strftime(d.latest[2], '%Y-%m-%d') AS from_as_of,
       strftime(d.latest[1], '%Y-%m-%d') AS to_as_of, m.model, m.feature,
       m.impact_before, m.impact_now, m.impact_now - m.impact_before AS change
FROM moves AS m
JOIN last_dates AS d USING (customer_id)
ORDER BY m.customer_id, m.model, abs(change) DESC, m.feature
