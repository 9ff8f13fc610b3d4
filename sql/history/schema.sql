-- history/schema.sql — the score history (insight/history.h), created by the
-- first `tenure score` that records and never dropped by `tenure build`.
--
-- history.customer_scores_by_as_of: one row per active customer, as-of date
-- and pair of models: what that scoring said. The SHAP lists hold every
-- feature's push on the log-odds, in the order history.model_features gives
-- for the model version; the top-driver lists name the strongest five,
-- strongest first. upgrade_* are NULL for a customer who is no expansion
-- candidate (already upgraded).
--
-- history.model_features: the features of each model version, by position.
CREATE SCHEMA IF NOT EXISTS history;

CREATE TABLE IF NOT EXISTS history.customer_scores_by_as_of (
    as_of DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    churn_model_version VARCHAR NOT NULL,
    expansion_model_version VARCHAR NOT NULL,
    model_set VARCHAR NOT NULL,
    churn_probability DOUBLE NOT NULL,
    churn_tier VARCHAR NOT NULL,
    upgrade_propensity DOUBLE,
    upgrade_tier VARCHAR,
    risk_score DOUBLE,
    risk_score_tier VARCHAR,
    arr DOUBLE,
    churn_top_drivers VARCHAR[] NOT NULL,
    upgrade_top_drivers VARCHAR[],
    churn_shap DOUBLE[] NOT NULL,
    upgrade_shap DOUBLE[],
    scored_at TIMESTAMP NOT NULL,
    PRIMARY KEY (as_of, churn_model_version, expansion_model_version, customer_id)
);

CREATE TABLE IF NOT EXISTS history.model_features (
    model_version VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    feature VARCHAR NOT NULL,
    PRIMARY KEY (model_version, position)
);
