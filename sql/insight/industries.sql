-- insight/industries.sql — each industry's display name, for the
-- portfolio's heatmap: the marts hold industries lower-cased without
-- spaces ('hrtech'), the exports as people write them ('HR Tech'). When
-- several spellings share a key, the first in sort order names it.
SELECT
    industry::VARCHAR AS industry,
    min(industry_name)::VARCHAR AS industry_name
FROM staging.stg_customers
GROUP BY industry
ORDER BY industry
