-- export/own_schemas.sql — the schemas of the opened database that would
-- hide the Parquet inputs: with --parquet, marts.x, staging.x and training.x
-- name the catalogs attached over the files, and a schema of the same name
-- in the database itself would make the name ambiguous.
SELECT schema_name
FROM information_schema.schemata
WHERE catalog_name = current_database() AND schema_name IN ('marts', 'staging', 'training')
ORDER BY schema_name
