-- build/generation_as_of.sql — the as-of date `tenure generate` recorded for
-- the company it made (meta.generation, sql/raw/generation.sql).
SELECT as_of FROM meta.generation
