-- customer_survival — one row per customer who had signed up by the as-of
-- date, churned or not: the survival time and event of the data dictionary's
-- "Derived Features — EDA Analysis", and the signals it correlates with churn.
--
-- A customer's window ends at churn_date if they churned before the as-of
-- date, else at the as-of date (right-censored). Every feature reads only
-- data before that end; windows are half-open, [end - N days, end).
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of
),

customers AS (
    SELECT
        c.*,
        c.churn_date IS NOT NULL AND c.churn_date < p.as_of AS churned,
        CASE WHEN c.churn_date IS NOT NULL AND c.churn_date < p.as_of THEN c.churn_date ELSE p.as_of END AS end_date
    FROM {{ ref('stg_customers') }} AS c, params AS p
    WHERE c.signup_date < p.as_of
),

events AS (
    SELECT
        u.customer_id,
        sum(u.events) FILTER (WHERE u.day >= {{ dateadd('day', -30, 'c.end_date') }}) AS events_last_30d,
        sum(u.retention_signals) AS retention_signal_count,
        sum(u.integration_connects) FILTER (WHERE u.day < {{ dateadd('day', 30, 'c.signup_date') }}) AS integration_connects_first_30d,
        sum(u.adoption_score_sum) / nullif(sum(u.adoption_scores), 0) AS avg_adoption_score
    FROM {{ ref('usage_daily') }} AS u
    JOIN customers AS c USING (customer_id)
    WHERE u.day < c.end_date
    GROUP BY u.customer_id
),

tickets AS (
    SELECT t.customer_id, count(*) FILTER (WHERE t.is_high_priority) AS high_priority_tickets
    FROM {{ ref('stg_support_tickets') }} AS t
    JOIN customers AS c USING (customer_id)
    WHERE t.created_date < c.end_date
    GROUP BY t.customer_id
)

SELECT
    c.customer_id,
    c.plan_tier,
    c.industry,
    c.signup_date,
    CASE WHEN c.churned THEN c.churn_date END AS churn_date,
    CASE WHEN c.upgrade_date < c.end_date THEN c.upgrade_date END AS upgrade_date,
    {{ datediff('c.signup_date', 'c.end_date', 'day') }}::INTEGER AS duration_days,
    c.churned::INTEGER AS event,
    coalesce(e.integration_connects_first_30d, 0)::INTEGER AS integration_connects_first_30d,
    coalesce(e.retention_signal_count, 0)::INTEGER AS retention_signal_count,
    coalesce(e.events_last_30d, 0)::INTEGER AS events_last_30d,
    CASE
        WHEN coalesce(e.integration_connects_first_30d, 0) = 0 THEN '0'
        WHEN e.integration_connects_first_30d <= 2 THEN '1–2'
        WHEN e.integration_connects_first_30d <= 5 THEN '3–5'
        ELSE '6+'
    END AS integration_bucket,
    e.avg_adoption_score::DOUBLE PRECISION AS avg_adoption_score,
    coalesce(t.high_priority_tickets, 0)::INTEGER AS high_priority_tickets
FROM customers AS c
LEFT JOIN events AS e USING (customer_id)
LEFT JOIN tickets AS t USING (customer_id)
ORDER BY c.customer_id
