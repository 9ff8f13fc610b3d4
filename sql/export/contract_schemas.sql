-- export/contract_schemas.sql — the schemas of the scratch database in which
-- the Parquet column contract is derived (warehouse/parquet_contract.h):
-- the models are built there on empty raw tables, and the training snapshot
-- queries become views of the training schema.
DROP SCHEMA IF EXISTS marts CASCADE;
DROP SCHEMA IF EXISTS staging CASCADE;
DROP SCHEMA IF EXISTS training CASCADE;
CREATE SCHEMA staging;
CREATE SCHEMA marts;
CREATE SCHEMA training
