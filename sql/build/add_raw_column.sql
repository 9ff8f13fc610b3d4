-- build/add_raw_column.sql — adds an optional contract column, empty, to a
-- raw table made by an earlier version, so the warehouse can still be
-- rebuilt. var('table'), var('column') and var('type') come from the
-- contract (src/warehouse/contract.h).
ALTER TABLE raw.{{ var('table') }} ADD COLUMN "{{ var('column') }}" {{ var('type') }}
