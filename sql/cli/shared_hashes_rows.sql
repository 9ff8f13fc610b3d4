-- cli/shared_hashes_rows.sql — how many hashes warehouse/shared_hashes.c may
-- have to hold: the rows of var('relation') (from its metadata, no scan).
SELECT count(*) FROM {{ var('relation') }}
