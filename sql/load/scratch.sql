-- load/scratch.sql — the scratch database of one load: a new DuckDB file in
-- the warehouse's spill directory (var('path'), a SQL string) that holds
-- every file's load table (tn_scratch.tn_load_<t>_<k>, see
-- src/warehouse/load_state.h). A load table is as long as its file, so it
-- is stored compressed, as the warehouse's tables are, rather than as a
-- temporary table. The file goes with the spill directory when the
-- warehouse is closed, or when the next load on the connection replaces it
-- (load/scratch_detach.sql first). Writable even when the warehouse is opened
-- read-only (`--dry-run`, `tenure validate`).
ATTACH {{ var('path') }} AS tn_scratch (READ_WRITE);
