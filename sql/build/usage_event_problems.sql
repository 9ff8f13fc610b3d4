-- build/usage_event_problems.sql — how many problems of the load lie in a
-- usage event's row (0: every event read loads).
SELECT count(*) FROM tn_problems WHERE table_name = 'usage_events' AND row_index IS NOT NULL
