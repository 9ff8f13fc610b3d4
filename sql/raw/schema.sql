-- raw/schema.sql — the five raw tables of the data dictionary, with exactly
-- its columns, in its order, with its types (DECIMAL as DECIMAL(12,2), FLOAT
-- as DuckDB's 4-byte FLOAT). `tenure generate` fills them; `tenure build
-- --raw DIR` loads a company's own CSV exports into them. Running this
-- replaces the tables, empty.

CREATE SCHEMA IF NOT EXISTS raw;

-- Rows a lenient `tenure build --raw` could not load (see sql/load/rejects.sql)
-- and the hashes of the stored event ids (src/warehouse/event_keys.h): stale
-- once the raw tables are replaced.
DROP TABLE IF EXISTS raw.rejects;
DROP TABLE IF EXISTS meta.usage_event_keys;

-- One row per customer. churn_date NULL = still active (right-censored);
-- upgrade_date NULL = not upgraded to the next plan tier. The last four
-- columns are not in the data dictionary: they name the account for people
-- (its name, its customer success manager, its next renewal, its CRM id)
-- and may be NULL throughout.
CREATE OR REPLACE TABLE raw.customers (
    customer_id   VARCHAR,
    industry      VARCHAR,
    plan_tier     VARCHAR,
    signup_date   DATE,
    mrr           DECIMAL(12, 2),
    churn_date    DATE,
    upgrade_date  DATE,
    name          VARCHAR,
    owner         VARCHAR,
    renewal_date  DATE,
    crm_id        VARCHAR
);

-- One row per product interaction; timestamp in UTC. event_type is one of
-- the data dictionary's seven, or 'other' for an event of the product's own
-- that a mapping counts as generic usage (docs/data-contract.md).
--
-- How the strings are stored is chosen here rather than left to DuckDB,
-- which otherwise tries every method on every column segment it writes (a
-- third of `tenure generate`'s time at 50,000 customers). The choices are
-- those DuckDB makes itself on these columns: unique event ids compress
-- best with FSST, and the eight event types with a dictionary. The
-- customer id's is left to DuckDB (var('events_customer_id_storage') is
-- empty) except where the rows come customer by customer, as from `tenure
-- generate`: a dictionary then. A company's export ordered by time holds
-- tens of thousands of customers per segment, where FSST is a quarter
-- smaller.
CREATE OR REPLACE TABLE raw.usage_events (
    event_id                VARCHAR USING COMPRESSION fsst,
    customer_id             VARCHAR {{ var('events_customer_id_storage') }},
    "timestamp"             TIMESTAMP,
    event_type              VARCHAR USING COMPRESSION dictionary,
    feature_adoption_score  FLOAT
);

-- One row per sales or expansion opportunity; close_date actual or expected.
CREATE OR REPLACE TABLE raw.gtm_opportunities (
    opp_id            VARCHAR,
    customer_id       VARCHAR,
    stage             VARCHAR,
    close_date        DATE,
    amount            DECIMAL(12, 2),
    sales_owner       VARCHAR,
    opportunity_type  VARCHAR
);

-- One row per support ticket; resolution_time in hours.
CREATE OR REPLACE TABLE raw.support_tickets (
    ticket_id        VARCHAR,
    customer_id      VARCHAR,
    created_date     DATE,
    priority         VARCHAR,
    resolution_time  INTEGER,
    topic            VARCHAR
);

-- One row per customer: computed or external risk flags. May be empty: a
-- company without such signals loads none (the marts then say so).
CREATE OR REPLACE TABLE raw.risk_signals (
    customer_id           VARCHAR,
    compliance_gap_score  FLOAT,
    vendor_risk_flags     INTEGER
);
