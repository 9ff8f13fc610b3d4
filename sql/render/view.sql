{# render/view.sql — a staging model in `tenure render`'s script, as `tenure build` makes it: a view. #}
CREATE VIEW {{ var('relation') }} AS
{{ var('body') }}
;
