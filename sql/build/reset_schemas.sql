-- build/reset_schemas.sql — empties the models' schemas before the models
-- are built again: staging holds views, marts tables.
DROP SCHEMA IF EXISTS marts CASCADE;
DROP SCHEMA IF EXISTS staging CASCADE;
CREATE SCHEMA staging;
CREATE SCHEMA marts
