-- history/realized.sql — the live backtest (insight/model_health.h): for each
-- recorded as-of date t whose 90 days have passed (t + 90 ≤ the warehouse's
-- as-of date), every customer scored then, what the models said and what
-- happened, by the models' own labels (training/*_snapshot.sql): churned
-- within [t, t + 90); for an expansion candidate (a propensity was
-- recorded), upgraded within [t, t + 90), NULL for the others. One scoring
-- per as-of (var('history'): history/latest_per_as_of.sql). model_set is the
-- id of the set that scored it, "<its training as-of date>-<hash>".
SELECT
    strftime(h.as_of, '%Y-%m-%d') AS as_of,
    h.churn_model_version,
    h.expansion_model_version,
    h.model_set,
    h.churn_probability,
    coalesce(c.churn_date >= h.as_of AND c.churn_date < h.as_of + 90, false)::DOUBLE AS churned,
    h.upgrade_propensity,
    CASE WHEN h.upgrade_propensity IS NOT NULL
         THEN coalesce(c.upgrade_date >= h.as_of AND c.upgrade_date < h.as_of + 90, false)::DOUBLE
    END AS upgraded
FROM ({{ var('history') }}) AS h
JOIN staging.stg_customers AS c USING (customer_id)
CROSS JOIN marts.build_info AS b
WHERE h.as_of + 90 <= b.as_of
ORDER BY h.as_of, h.customer_id
