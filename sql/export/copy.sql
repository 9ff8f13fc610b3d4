-- export/copy.sql — `tenure export`: one relation into one Parquet file.
-- var('relation') is the exporter's own relation name (marts.x, staging.x,
-- the temporary training tables); COPY takes no bound parameter, so
-- var('path') arrives as a quoted literal written by the caller.
COPY (SELECT * FROM {{ var('relation') }}) TO {{ var('path') }} (FORMAT parquet)
