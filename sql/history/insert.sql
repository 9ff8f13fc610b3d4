-- history/insert.sql — the staged rows of one scoring into the history.
INSERT INTO history.customer_scores_by_as_of
SELECT CAST(as_of AS DATE), customer_id, churn_model_version, expansion_model_version,
       model_set, churn_probability, churn_tier, upgrade_propensity, upgrade_tier,
       risk_score, risk_score_tier, arr, churn_top_drivers, upgrade_top_drivers,
       churn_shap, upgrade_shap, CAST(scored_at AS TIMESTAMP)
FROM tn_history_rows
