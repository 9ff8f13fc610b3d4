-- analysis/upgrade_signal.sql — the data dictionary's upgrade signal: for
-- every customer of marts.customer_survival, premium_feature_trial events in
-- the 30 days before their upgrade_date (upgraded customers) or before the
-- as-of date (the others) — the same half-open window, [end - 30 days, end),
-- as every other feature.
WITH ends AS (
    SELECT
        s.customer_id,
        s.upgrade_date IS NOT NULL AS upgraded,
        coalesce(s.upgrade_date, b.as_of) AS window_end
    FROM marts.customer_survival AS s, marts.build_info AS b
)
SELECT
    e.upgraded::DOUBLE AS upgraded,
    coalesce(sum(u.premium_feature_trials), 0)::DOUBLE AS premium_feature_trials_30d
FROM ends AS e
LEFT JOIN marts.usage_daily AS u
    ON u.customer_id = e.customer_id
   AND u.premium_feature_trials > 0
   AND u.day >= e.window_end - 30
   AND u.day < e.window_end
GROUP BY e.customer_id, e.upgraded
ORDER BY e.customer_id
