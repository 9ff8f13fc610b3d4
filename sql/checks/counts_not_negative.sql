-- Amounts, resolution hours and vendor risk flags are never negative.
SELECT opp_id || ': amount ' || amount AS key FROM {{ source('raw', 'gtm_opportunities') }} WHERE amount < 0
UNION ALL
SELECT ticket_id || ': resolution_time ' || resolution_time FROM {{ source('raw', 'support_tickets') }} WHERE resolution_time < 0
UNION ALL
SELECT customer_id || ': vendor_risk_flags ' || vendor_risk_flags FROM {{ source('raw', 'risk_signals') }} WHERE vendor_risk_flags < 0
