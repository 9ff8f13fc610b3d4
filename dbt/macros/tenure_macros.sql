{#
  dbt/macros/tenure_macros.sql — the macros Tenure's models call, for dbt.

  Tenure's own renderer (src/warehouse/dialect.c) expands the same four for
  DuckDB and PostgreSQL; under dbt they are dispatched by adapter, so each
  warehouse gets its own SQL:

    dateadd(datepart, interval, from_date)  as dbt's dateadd, but a DATE moved by
                                            days stays a DATE (dbt's gives a
                                            timestamp on most adapters)
    datediff(first_date, second_date, datepart)
                                            dbt's datediff: whole days between
    date_literal(text)                      DATE 'YYYY-MM-DD'
    hash64(expression)                      a 64-bit hash of a text (DuckDB's hash,
                                            PostgreSQL's hashtextextended)

  The implementations are named tenure_* so that they never stand in for the
  macros of dbt's own dispatch (dbt.dateadd looks for default__dateadd in the
  root project first).
#}

{% macro dateadd(datepart, interval, from_date) -%}
    {{ return(adapter.dispatch('tenure_dateadd', 'tenure')(datepart, interval, from_date)) }}
{%- endmacro %}

{% macro duckdb__tenure_dateadd(datepart, interval, from_date) -%}
    {{ tenure_dateadd_by_operator(datepart, interval, from_date) }}
{%- endmacro %}

{% macro postgres__tenure_dateadd(datepart, interval, from_date) -%}
    {{ tenure_dateadd_by_operator(datepart, interval, from_date) }}
{%- endmacro %}

{# A DATE plus an integer is a DATE on DuckDB and PostgreSQL; other units go by INTERVAL. #}
{% macro tenure_dateadd_by_operator(datepart, interval, from_date) -%}
    {%- if datepart == 'day' -%}
        ({{ from_date }} + ({{ interval }}))
    {%- else -%}
        ({{ from_date }} + ({{ interval }}) * INTERVAL '1 {{ datepart }}')
    {%- endif -%}
{%- endmacro %}

{% macro default__tenure_dateadd(datepart, interval, from_date) -%}
    {%- if datepart == 'day' -%}
        cast({{ dbt.dateadd(datepart, interval, from_date) }} as date)
    {%- else -%}
        {{ dbt.dateadd(datepart, interval, from_date) }}
    {%- endif -%}
{%- endmacro %}

{% macro datediff(first_date, second_date, datepart) -%}
    {{ return(dbt.datediff(first_date, second_date, datepart)) }}
{%- endmacro %}

{% macro date_literal(text) -%}
    DATE '{{ text }}'
{%- endmacro %}

{% macro hash64(expression) -%}
    {{ return(adapter.dispatch('tenure_hash64', 'tenure')(expression)) }}
{%- endmacro %}

{% macro duckdb__tenure_hash64(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro postgres__tenure_hash64(expression) -%}
    hashtextextended({{ expression }}, 0)
{%- endmacro %}

{% macro bigquery__tenure_hash64(expression) -%}
    farm_fingerprint({{ expression }})
{%- endmacro %}

{% macro snowflake__tenure_hash64(expression) -%}
    hash({{ expression }})
{%- endmacro %}

{% macro default__tenure_hash64(expression) -%}
    {{ dbt.hash(expression) }}
{%- endmacro %}

{#
  The schemas are staging, marts and training as the project names them, not
  prefixed with the target's schema (dbt's default), so that ref() gives the
  same relations Tenure's own build makes.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
