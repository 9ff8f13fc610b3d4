-- cli/shared_hashes_scan.sql — what warehouse/shared_hashes.c reads: the
-- 64-bit hash of every non-NULL var('column') of var('relation').
SELECT hash({{ var('column') }})
FROM {{ var('relation') }}
WHERE {{ var('column') }} IS NOT NULL
