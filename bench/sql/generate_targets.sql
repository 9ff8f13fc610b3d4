-- generate_targets.sql — every statistical target of `tenure generate`
-- (issue 3 / the data dictionary's "Correlations baked in"), measured
-- directly on the raw tables, independently of the generator's own code.
-- One row per metric: (metric, value). Used by bench/generate.sh for the
-- full-size figures in BENCHMARKS.md and by tests/integration/test_generate.sh
-- on a smaller company.
--
-- Features follow the dictionary's "Derived Features" and docs/data-contract.md:
-- windows are half-open [end - N days, end) with end = churn_date for
-- churned customers and the as-of date (meta.generation) for active ones.
WITH
as_of AS (SELECT as_of FROM meta.generation),
customer AS (
    SELECT c.*,
           churn_date IS NOT NULL AS churned,
           coalesce(churn_date, (SELECT as_of FROM as_of)) AS end_date,
           coalesce(upgrade_date, (SELECT as_of FROM as_of)) AS trial_end
    FROM raw.customers c
),
event_features AS (
    SELECT e.customer_id,
        count(*) AS events,
        count(*) FILTER (e."timestamp" >= c.end_date - INTERVAL 30 DAY AND e."timestamp" < c.end_date) AS events_last_30d,
        count(*) FILTER (e."timestamp" >= c.end_date - INTERVAL 60 DAY AND e."timestamp" < c.end_date - INTERVAL 30 DAY) AS events_prev_30d,
        avg(e.feature_adoption_score) AS avg_adoption_score,
        count(*) FILTER (e.event_type IN ('evidence_upload', 'monitoring_run', 'report_view')) AS retention_signal_count,
        count(*) FILTER (e.event_type = 'integration_connect' AND e."timestamp" < c.signup_date + INTERVAL 30 DAY) AS integration_connects_first_30d,
        count(*) FILTER (e.event_type = 'premium_feature_trial') AS premium_trials,
        count(*) FILTER (e.event_type = 'premium_feature_trial' AND e."timestamp" >= c.trial_end - INTERVAL 30 DAY AND e."timestamp" < c.trial_end) AS premium_feature_trials_30d,
        count(*) FILTER (e."timestamp" < c.signup_date OR e."timestamp" >= c.end_date) AS events_outside_life,
        count(*) FILTER (e.feature_adoption_score < 0 OR e.feature_adoption_score > 1 OR e.feature_adoption_score IS NULL) AS scores_out_of_range
    FROM raw.usage_events e JOIN customer c USING (customer_id)
    GROUP BY e.customer_id
),
ticket_features AS (
    SELECT t.customer_id,
        count(*) AS tickets,
        count(*) FILTER (t.priority IN ('high', 'critical')) AS high_priority_tickets,
        count(*) FILTER (t.priority IN ('high', 'critical') AND t.created_date >= c.end_date - 60 AND t.created_date < c.end_date) AS high_priority_last_60d,
        count(*) FILTER (t.topic IN ('integration', 'onboarding')) AS integration_onboarding_tickets,
        count(*) FILTER (t.created_date < c.signup_date OR t.created_date >= c.end_date) AS tickets_outside_life
    FROM raw.support_tickets t JOIN customer c USING (customer_id)
    GROUP BY t.customer_id
),
f AS (
    SELECT c.*, r.compliance_gap_score, r.vendor_risk_flags,
        coalesce(e.events, 0) AS events,
        coalesce(e.events_last_30d, 0) AS events_last_30d,
        coalesce(e.events_prev_30d, 0) AS events_prev_30d,
        e.avg_adoption_score,
        coalesce(e.retention_signal_count, 0) AS retention_signal_count,
        coalesce(e.integration_connects_first_30d, 0) AS integration_connects_first_30d,
        coalesce(e.premium_trials, 0) AS premium_trials,
        coalesce(e.premium_feature_trials_30d, 0) AS premium_feature_trials_30d,
        coalesce(e.events_outside_life, 0) AS events_outside_life,
        coalesce(e.scores_out_of_range, 0) AS scores_out_of_range,
        coalesce(t.tickets, 0) AS tickets,
        coalesce(t.high_priority_tickets, 0) AS high_priority_tickets,
        coalesce(t.high_priority_last_60d, 0) AS high_priority_last_60d,
        coalesce(t.integration_onboarding_tickets, 0) AS integration_onboarding_tickets,
        coalesce(t.tickets_outside_life, 0) AS tickets_outside_life
    FROM customer c
    LEFT JOIN event_features e USING (customer_id)
    LEFT JOIN ticket_features t USING (customer_id)
    LEFT JOIN raw.risk_signals r USING (customer_id)
),
correlations AS (
    SELECT count(*) AS n,
        corr(events_last_30d, churned::INT) AS events_last_30d,
        corr(avg_adoption_score, churned::INT) AS avg_adoption_score,
        corr(retention_signal_count, churned::INT) AS retention_signal_count,
        corr(high_priority_tickets, churned::INT) AS high_priority_tickets,
        corr(integration_connects_first_30d, churned::INT) AS integration_connects_first_30d
    FROM f
),
starter AS (
    SELECT *, avg_adoption_score <= quantile_cont(avg_adoption_score, 0.25) OVER () AS bottom_quartile,
           churned AND churn_date - signup_date <= 90 AS churned_within_90d
    FROM f WHERE plan_tier = 'starter'
),
-- Mann-Whitney U of premium_feature_trials_30d, upgraded vs not, with average
-- ranks for ties and the tie-corrected variance (as scipy.stats.mannwhitneyu).
ranked AS (
    SELECT upgrade_date IS NOT NULL AS upgraded, premium_feature_trials_30d AS v,
        rank() OVER (ORDER BY premium_feature_trials_30d)
            + (count(*) OVER (PARTITION BY premium_feature_trials_30d) - 1) / 2.0 AS r
    FROM f
),
mwu AS (
    SELECT sum(r) FILTER (upgraded) - count(*) FILTER (upgraded) * (count(*) FILTER (upgraded) + 1) / 2.0 AS u,
        count(*) FILTER (upgraded)::DOUBLE AS n1, count(*) FILTER (NOT upgraded)::DOUBLE AS n2,
        (SELECT sum(t * t * t - t) FROM (SELECT count(*)::DOUBLE AS t FROM ranked GROUP BY v)) AS ties
    FROM ranked
),
churned_windows AS (
    SELECT sum(high_priority_last_60d) / sum(least(60, churn_date - signup_date)) AS rate_last_60d,
        sum(high_priority_tickets - high_priority_last_60d) / sum(greatest(0, churn_date - signup_date - 60)) AS rate_before
    FROM f WHERE churned AND churn_date - signup_date > 120
)
SELECT metric, value FROM (
    SELECT 0 AS k, 'customers' AS metric, count(*)::DOUBLE AS value FROM f
    UNION ALL SELECT 1, 'usage_events', sum(events) FROM f
    UNION ALL SELECT 2, 'churn_rate_starter', avg(churned::INT) FILTER (plan_tier = 'starter') FROM f
    UNION ALL SELECT 3, 'churn_rate_growth', avg(churned::INT) FILTER (plan_tier = 'growth') FROM f
    UNION ALL SELECT 4, 'churn_rate_enterprise', avg(churned::INT) FILTER (plan_tier = 'enterprise') FROM f
    UNION ALL SELECT 5, 'upgraded_share', avg((upgrade_date IS NOT NULL)::INT) FROM f
    UNION ALL SELECT 10, 'r_events_last_30d', events_last_30d FROM correlations
    UNION ALL SELECT 11, 'r_avg_adoption_score', avg_adoption_score FROM correlations
    UNION ALL SELECT 12, 'r_retention_signal_count', retention_signal_count FROM correlations
    UNION ALL SELECT 13, 'r_high_priority_tickets', high_priority_tickets FROM correlations
    UNION ALL SELECT 14, 'r_integration_connects_first_30d', integration_connects_first_30d FROM correlations
    UNION ALL SELECT 15, 'correlation_n', n FROM correlations
    UNION ALL SELECT 20, 'starter_early_churn_bottom_quartile', avg(churned_within_90d::INT) FILTER (bottom_quartile) FROM starter
    UNION ALL SELECT 21, 'starter_early_churn_others', avg(churned_within_90d::INT) FILTER (NOT bottom_quartile) FROM starter
    UNION ALL SELECT 22, 'starter_early_churn_ratio', avg(churned_within_90d::INT) FILTER (bottom_quartile) / avg(churned_within_90d::INT) FILTER (NOT bottom_quartile) FROM starter
    UNION ALL SELECT 30, 'decline_median_ratio', median(events_last_30d / events_prev_30d) FROM f WHERE churned AND events_prev_30d > 0 AND churn_date - signup_date >= 60
    UNION ALL SELECT 31, 'high_priority_spike_ratio', rate_last_60d / rate_before FROM churned_windows
    UNION ALL SELECT 32, 'integration_onboarding_share_churned', sum(integration_onboarding_tickets) / sum(tickets) FROM f WHERE churned
    UNION ALL SELECT 33, 'integration_onboarding_share_retained', sum(integration_onboarding_tickets) / sum(tickets) FROM f WHERE NOT churned
    UNION ALL SELECT 40, 'premium_per_1000_upgraded', 1000.0 * sum(premium_trials) / sum(events) FROM f WHERE upgrade_date IS NOT NULL
    UNION ALL SELECT 41, 'premium_per_1000_not_upgraded', 1000.0 * sum(premium_trials) / sum(events) FROM f WHERE upgrade_date IS NULL
    UNION ALL SELECT 42, 'premium_rate_ratio', (sum(premium_trials) FILTER (upgrade_date IS NOT NULL) / sum(events) FILTER (upgrade_date IS NOT NULL)) / (sum(premium_trials) FILTER (upgrade_date IS NULL) / sum(events) FILTER (upgrade_date IS NULL)) FROM f
    UNION ALL SELECT 43, 'premium_30d_mean_upgraded', avg(premium_feature_trials_30d) FILTER (upgrade_date IS NOT NULL) FROM f
    UNION ALL SELECT 44, 'premium_30d_mean_not_upgraded', avg(premium_feature_trials_30d) FILTER (upgrade_date IS NULL) FROM f
    UNION ALL SELECT 45, 'premium_30d_mannwhitney_z', (u - n1 * n2 / 2) / sqrt(n1 * n2 / 12 * ((n1 + n2 + 1) - ties / ((n1 + n2) * (n1 + n2 - 1)))) FROM mwu
    UNION ALL SELECT 50, 'compliance_gap_mean_churned', avg(compliance_gap_score) FILTER (churned) FROM f
    UNION ALL SELECT 51, 'compliance_gap_mean_active', avg(compliance_gap_score) FILTER (NOT churned) FROM f
    UNION ALL SELECT 52, 'vendor_flags_mean_churned', avg(vendor_risk_flags) FILTER (churned) FROM f
    UNION ALL SELECT 53, 'vendor_flags_mean_active', avg(vendor_risk_flags) FILTER (NOT churned) FROM f
    UNION ALL SELECT 60, 'events_outside_life', sum(events_outside_life) FROM f
    UNION ALL SELECT 61, 'tickets_outside_life', sum(tickets_outside_life) FROM f
    UNION ALL SELECT 62, 'scores_out_of_range', sum(scores_out_of_range) FROM f
    UNION ALL SELECT 63, 'mrr_outside_band', count(*) FILTER (NOT (
        (plan_tier = 'starter' AND mrr BETWEEN 500 AND 2000) OR (plan_tier = 'growth' AND mrr BETWEEN 2000 AND 8000)
        OR (plan_tier = 'enterprise' AND mrr BETWEEN 8000 AND 50000))) FROM f
    UNION ALL SELECT 64, 'upgrades_before_day_60', count(*) FILTER (upgrade_date - signup_date < 60) FROM f
    UNION ALL SELECT 65, 'upgrades_not_before_churn', count(*) FILTER (upgrade_date >= churn_date) FROM f
    UNION ALL SELECT 66, 'dates_outside_window', count(*) FILTER (signup_date < (SELECT as_of FROM as_of) - 730 OR signup_date >= (SELECT as_of FROM as_of)
        OR churn_date <= signup_date OR churn_date >= (SELECT as_of FROM as_of) OR upgrade_date >= (SELECT as_of FROM as_of)) FROM f
) ORDER BY k;
