-- build/build_info_dates.sql — the last build's as-of date and its data's own
-- as-of date (marts.build_info, build/build_info.sql), as YYYY-MM-DD.
SELECT as_of, data_as_of FROM marts.build_info
