{# render/check.sql — a contract in `tenure render`'s script: how many rows break it
   (0 when it holds), like `tenure check`'s FAIL count. #}
SELECT '{{ var('name') }}' AS contract, count(*) AS failing FROM (
{{ var('body') }}
) AS broken;
