-- load/value_map_changes.sql — how many of a categorical column's source
-- values its value map changes: 0 means the source already holds the
-- contract's values and the commit can copy the column as it is. $1 table,
-- $2 column (bound).
SELECT count(*)
FROM tn_value_map
WHERE table_name = $1 AND column_name = $2 AND value IS DISTINCT FROM source
