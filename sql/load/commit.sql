-- load/commit.sql — inside the build transaction, once a load's rows are in
-- the raw tables (a full load's, or an increment's merged). Loaded data has
-- no generation record: `tenure build` then takes its as-of date from the
-- data itself. An increment added to a generated warehouse makes its data
-- loaded data too, whose as-of date moves with its events.
DROP TABLE IF EXISTS meta.generation;
