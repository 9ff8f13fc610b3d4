-- raw/table_columns.sql — the columns of raw table $1 (bound) with their SQL
-- types, in order, for `tenure generate` to check them against the columns
-- its generator writes.
SELECT column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'raw' AND table_name = $1
ORDER BY ordinal_position
