{# build/create_model.sql — a model made a relation (models.h, tn_model_create):
   var('kind') is VIEW for a staging model and TABLE for the others,
   var('relation') its name, var('body') the model rendered. `tenure build`
   runs it; `tenure render` writes it into its script. #}
CREATE {{ var('kind') }} {{ var('relation') }} AS
{{ var('body') }}
;
