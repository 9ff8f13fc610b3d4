-- ml/export_training.sql — `tenure train --export DIR`: a training table as
-- the model saw it, to CSV with a header. COPY takes no bound parameter, so
-- var('last') (a date) and var('path') (the file) arrive as quoted literals
-- written by the caller; var('table') is the caller's own table name.
COPY (
    SELECT * FROM {{ var('table') }}
    WHERE snapshot <= CAST({{ var('last') }} AS DATE)
    ORDER BY snapshot, customer_id
) TO {{ var('path') }} (HEADER)
