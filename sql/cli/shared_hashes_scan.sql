-- cli/shared_hashes_scan.sql — one pass of warehouse/shared_hashes.c: the
-- 64-bit hash of every non-NULL var('column') of var('relation') whose top
-- byte is between $1 and $2 (0 and 255 in a single pass: every row).
SELECT hash({{ var('column') }})
FROM {{ var('relation') }}
WHERE {{ var('column') }} IS NOT NULL
  AND hash({{ var('column') }}) >> 56 BETWEEN $1 AND $2
