{# render/table.sql — a mart (or a training snapshot) in `tenure render`'s script: a table. #}
CREATE TABLE {{ var('relation') }} AS
{{ var('body') }}
;
