-- cli/shared_hashes_table.sql — the temporary table warehouse/shared_hashes.c
-- fills with the hashes more than one row has.
CREATE OR REPLACE TEMP TABLE {{ var('into') }} (id_hash UBIGINT)
