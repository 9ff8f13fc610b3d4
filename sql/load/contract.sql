-- load/contract.sql — the values each categorical column of the raw tables
-- may take (the data dictionary's domains). `tenure build --raw` reads these
-- columns as ENUMs of exactly these values, so DuckDB rejects any other value
-- with its file and line. Industry is deliberately open: a company's own
-- industries need not be the six of the synthetic data.
CREATE OR REPLACE TEMP TABLE tn_load_contract AS
SELECT * FROM (VALUES
    ('customers',         'plan_tier',        ['starter', 'growth', 'enterprise']),
    ('usage_events',      'event_type',       ['evidence_upload', 'monitoring_run', 'report_view', 'user_invite',
                                               'integration_connect', 'api_call', 'premium_feature_trial']),
    ('gtm_opportunities', 'stage',            ['prospecting', 'qualification', 'proposal', 'closed_won', 'closed_lost']),
    ('gtm_opportunities', 'opportunity_type', ['expansion', 'new_business']),
    ('support_tickets',   'priority',         ['low', 'medium', 'high', 'critical']),
    ('support_tickets',   'topic',            ['compliance', 'integration', 'billing', 'onboarding', 'feature_request'])
) AS contract (table_name, column_name, accepted)
