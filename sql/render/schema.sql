{# render/schema.sql — in `tenure render`'s script, a schema made afresh:
   what the script builds replaces what an earlier run of it built. #}
DROP SCHEMA IF EXISTS {{ var('schema') }} CASCADE;
CREATE SCHEMA {{ var('schema') }};
