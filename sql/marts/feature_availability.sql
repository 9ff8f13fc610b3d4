-- feature_availability — one row per model feature and per input of the
-- composite risk score: which model or score uses it, which raw column it
-- comes from, and whether the loaded data has it. risk_signals and
-- usage_events.feature_adoption_score exist in no standard export: without
-- them the build still succeeds, the models train without the features they
-- feed (their cards list the features used), and the risk score uses the
-- inputs it has (risk_score_weights).
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of
),

has AS (
    SELECT
        EXISTS (SELECT 1 FROM {{ ref('usage_daily') }} AS u, params AS p
                WHERE u.adoption_scores > 0 AND u.day < p.as_of) AS adoption_scores,
        EXISTS (SELECT 1 FROM {{ ref('stg_risk_signals') }}) AS risk_signals
),

features (name, used_by, source) AS (
    VALUES
    ('mrr', 'churn, expansion', 'customers.mrr'),
    ('tenure_days', 'churn, expansion', 'customers.signup_date'),
    ('plan_tier', 'churn, expansion', 'customers.plan_tier'),
    ('industry', 'churn, expansion', 'customers.industry'),
    ('total_events', 'churn, expansion', 'usage_events'),
    ('events_last_30d', 'churn, expansion', 'usage_events'),
    ('events_last_7d', 'churn, expansion', 'usage_events'),
    ('avg_adoption_score', 'churn, expansion', 'usage_events.feature_adoption_score'),
    ('days_since_last_event', 'churn, expansion', 'usage_events'),
    ('retention_signal_count', 'churn, expansion', 'usage_events (evidence_upload, monitoring_run, report_view)'),
    ('integration_connects_first_30d', 'churn, expansion', 'usage_events (integration_connect)'),
    ('tickets_last_30d', 'churn, expansion', 'support_tickets'),
    ('high_priority_tickets', 'churn, expansion', 'support_tickets.priority'),
    ('avg_resolution_hours', 'churn, expansion', 'support_tickets.resolution_time'),
    ('is_early_stage', 'churn, expansion', 'customers.signup_date'),
    ('premium_feature_trials_30d', 'expansion', 'usage_events (premium_feature_trial)'),
    ('feature_request_tickets_90d', 'expansion', 'support_tickets.topic'),
    ('has_open_expansion_opp', 'expansion', 'gtm_opportunities'),
    ('expansion_opp_amount', 'expansion', 'gtm_opportunities.amount'),
    ('mrr_tier_ceiling_pct', 'expansion', 'customers.mrr'),
    ('usage_decay_score', 'risk_score', 'usage_events'),
    ('compliance_gap_score', 'risk_score', 'risk_signals.compliance_gap_score'),
    ('vendor_risk_flags', 'risk_score', 'risk_signals.vendor_risk_flags')
)

SELECT
    f.name,
    f.used_by,
    f.source,
    CASE WHEN f.name = 'avg_adoption_score' THEN h.adoption_scores
         WHEN f.source LIKE 'risk_signals%' THEN h.risk_signals
         ELSE true END AS available,
    CASE WHEN f.name = 'avg_adoption_score' AND NOT h.adoption_scores
             THEN 'no usage event before the as-of date has a feature_adoption_score'
         WHEN f.source LIKE 'risk_signals%' AND NOT h.risk_signals
             THEN 'no risk_signals were loaded'
    END AS missing_because
FROM features AS f, has AS h
