-- load/contract.sql — the data contract, one row per column of the five raw
-- tables (sql/raw/schema.sql holds their SQL types). Every other part of
-- loading reads it from here: the mapping's validation, the loader's parsing
-- and checks, the proposal of `tenure init`, and docs/data-contract.md says
-- the same in words.
--
--   kind       how a source value is read:
--                id        text, required, unique within the table
--                reference a customer_id that must name a loaded customer
--                text      free text
--                category  one of `accepted` (value maps translate a source's own names)
--                date      a calendar date (timestamps are converted to UTC first)
--                timestamp a moment, stored in UTC
--                money     USD with at most 2 decimals, 0 or more
--                hours     a whole number of hours, 0 or more
--                count     a whole number, 0 or more
--                score     a number from 0 to 1
--   required   the value may not be empty
--   optional   the column may be left out of a mapping (it is then NULL everywhere)
CREATE OR REPLACE TEMP TABLE tn_contract AS
SELECT * FROM (VALUES
    ('customers', 'customer_id', 'id', true, false, NULL::VARCHAR[],
        'the customer''s key; every other table refers to it'),
    ('customers', 'industry', 'text', false, false, NULL,
        'the customer''s industry, free text (the marts lower-case it and drop spaces)'),
    ('customers', 'plan_tier', 'category', true, false, ['starter', 'growth', 'enterprise'],
        'the plan the customer is on'),
    ('customers', 'signup_date', 'date', true, false, NULL,
        'the date of the first contract'),
    ('customers', 'mrr', 'money', true, false, NULL,
        'monthly recurring revenue, USD'),
    ('customers', 'churn_date', 'date', false, false, NULL,
        'the date the customer left; empty while active'),
    ('customers', 'upgrade_date', 'date', false, false, NULL,
        'the date the customer moved to the next plan tier; empty if never'),
    ('customers', 'name', 'text', false, true, NULL,
        'the account''s name, as people know it'),
    ('customers', 'owner', 'text', false, true, NULL,
        'the customer success manager who owns the account'),
    ('customers', 'renewal_date', 'date', false, true, NULL,
        'the next contract renewal (may lie in the future)'),
    ('customers', 'crm_id', 'text', false, true, NULL,
        'the account''s id in the CRM, for syncing scores back'),

    ('usage_events', 'event_id', 'id', true, false, NULL,
        'the event''s key'),
    ('usage_events', 'customer_id', 'reference', true, false, NULL,
        'the customer the event belongs to'),
    ('usage_events', 'timestamp', 'timestamp', true, false, NULL,
        'when it happened (stored in UTC)'),
    ('usage_events', 'event_type', 'category', true, false,
        ['evidence_upload', 'monitoring_run', 'report_view', 'user_invite', 'integration_connect',
         'api_call', 'premium_feature_trial', 'other'],
        'the event''s role (see the event roles); other = generic usage'),
    ('usage_events', 'feature_adoption_score', 'score', false, true, NULL,
        'a 0-1 adoption score at the time of the event'),

    ('gtm_opportunities', 'opp_id', 'id', true, false, NULL,
        'the opportunity''s key'),
    ('gtm_opportunities', 'customer_id', 'reference', true, false, NULL,
        'the customer the deal is with'),
    ('gtm_opportunities', 'stage', 'category', true, false,
        ['prospecting', 'qualification', 'proposal', 'closed_won', 'closed_lost'],
        'the deal''s current stage'),
    ('gtm_opportunities', 'close_date', 'date', false, false, NULL,
        'the actual or expected close date (may lie in the future)'),
    ('gtm_opportunities', 'amount', 'money', false, false, NULL,
        'the deal''s value, USD'),
    ('gtm_opportunities', 'sales_owner', 'text', false, true, NULL,
        'the rep who owns the deal'),
    ('gtm_opportunities', 'opportunity_type', 'category', true, false, ['expansion', 'new_business'],
        'expansion (an existing customer buys more) or new_business'),

    ('support_tickets', 'ticket_id', 'id', true, false, NULL,
        'the ticket''s key'),
    ('support_tickets', 'customer_id', 'reference', true, false, NULL,
        'the customer who asked'),
    ('support_tickets', 'created_date', 'date', true, false, NULL,
        'the date the ticket was opened'),
    ('support_tickets', 'priority', 'category', true, false, ['low', 'medium', 'high', 'critical'],
        'the ticket''s priority'),
    ('support_tickets', 'resolution_time', 'hours', false, false, NULL,
        'hours from opening to resolution; empty while open'),
    ('support_tickets', 'topic', 'category', true, false,
        ['compliance', 'integration', 'billing', 'onboarding', 'feature_request'],
        'what the ticket is about'),

    ('risk_signals', 'customer_id', 'reference', true, false, NULL,
        'the customer the signals describe (one row each)'),
    ('risk_signals', 'compliance_gap_score', 'score', false, false, NULL,
        'a 0-1 share of compliance gaps detected'),
    ('risk_signals', 'vendor_risk_flags', 'count', false, false, NULL,
        'the number of third-party vendor risk alerts')
) AS contract (table_name, column_name, kind, required, optional, accepted, description);

-- The whole of a table may be left out of a mapping only here. The primary
-- key is what a row is known by: unique within a load, and what an increment
-- (`tenure build --raw DIR --append`) merges on, a row replacing the stored
-- row with its key.
CREATE OR REPLACE TEMP TABLE tn_contract_tables AS
SELECT * FROM (VALUES
    ('customers', false, 'one row per customer', 'customer_id'),
    ('usage_events', false, 'one row per product interaction', 'event_id'),
    ('gtm_opportunities', false, 'one row per sales or expansion opportunity', 'opp_id'),
    ('support_tickets', false, 'one row per support ticket', 'ticket_id'),
    ('risk_signals', true, 'one row per customer: computed or external risk flags', 'customer_id')
) AS tables (table_name, optional, grain, primary_key);
