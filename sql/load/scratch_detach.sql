-- load/scratch_detach.sql — closes an earlier load's scratch database
-- (load/scratch.sql), if this connection has one, before its file is removed.
DETACH DATABASE IF EXISTS tn_scratch;
