-- history/staging.sql — the rows of one scoring, appended here before they
-- go into the history in one statement (history/insert.sql).
CREATE OR REPLACE TEMP TABLE tn_history_rows (
    as_of VARCHAR,
    customer_id VARCHAR,
    churn_model_version VARCHAR,
    expansion_model_version VARCHAR,
    model_set VARCHAR,
    churn_probability DOUBLE,
    churn_tier VARCHAR,
    upgrade_propensity DOUBLE,
    upgrade_tier VARCHAR,
    risk_score DOUBLE,
    risk_score_tier VARCHAR,
    arr DOUBLE,
    churn_top_drivers VARCHAR[],
    upgrade_top_drivers VARCHAR[],
    churn_shap DOUBLE[],
    upgrade_shap DOUBLE[],
    scored_at VARCHAR
)
