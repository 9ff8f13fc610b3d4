-- ml/missing_features.sql — the model features the data cannot give, with
-- the reason, from var('relation'): marts.feature_availability, or a
-- backtest's own copy as of its date. The risk score's inputs are not model
-- features, so they are left out.
SELECT name::VARCHAR AS name,
       missing_because::VARCHAR AS because
FROM {{ var('relation') }}
WHERE NOT available AND used_by <> 'risk_score'
ORDER BY name
