-- propose/sample_jsonl.sql — the first var('limit') non-empty lines of the
-- JSON-lines file $1 (bound), whole, for `tenure init` to find the paths its
-- objects use and sample their values.
SELECT record
FROM read_csv($1, header = false, auto_detect = false, columns = {'record': 'VARCHAR'},
              delim = E'\x01', quote = '', escape = '', ignore_errors = true)
WHERE record IS NOT NULL
LIMIT {{ var('limit') }}
