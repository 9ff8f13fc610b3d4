-- load/contract_missing.sql — the raw columns (but raw.rejects') that
-- load/contract.sql leaves out, as "table.column, ..."; NULL when it covers
-- them all, as it must.
SELECT string_agg(s.table_name || '.' || s.column_name, ', ')
FROM information_schema.columns s
LEFT JOIN tn_contract c USING (table_name, column_name)
WHERE s.table_schema = 'raw' AND s.table_name <> 'rejects' AND c.kind IS NULL
