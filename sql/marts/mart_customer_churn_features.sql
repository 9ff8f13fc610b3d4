-- mart_customer_churn_features — one row per customer active at the as-of
-- date, with the 15 features of the churn model (data dictionary,
-- docs/data-contract.md). The serving snapshot reads this table; training evaluates
-- this same model at earlier as-of dates.
--
-- Point in time: only data dated before the as-of date is read (events and
-- tickets before it, tickets' resolution times only once resolved), and
-- every window is half-open, [as_of - N days, as_of). Usage is read from
-- usage_daily, the events rolled up per customer and day: the windows are
-- whole days, so the counts are the events'.
WITH params AS (
    SELECT {{ date_literal(var('as_of')) }} AS as_of
),

active AS (
    SELECT c.*, p.as_of, {{ datediff('c.signup_date', 'p.as_of', 'day') }}::INTEGER AS tenure_days
    FROM {{ ref('stg_customers') }} AS c, params AS p
    WHERE c.signup_date < p.as_of
      AND (c.churn_date IS NULL OR c.churn_date >= p.as_of)
),

events AS (
    SELECT
        u.customer_id,
        sum(u.events) AS total_events,
        sum(u.events) FILTER (WHERE u.day >= {{ dateadd('day', -30, 'a.as_of') }}) AS events_last_30d,
        sum(u.events) FILTER (WHERE u.day >= {{ dateadd('day', -7, 'a.as_of') }}) AS events_last_7d,
        sum(u.adoption_score_sum) / nullif(sum(u.adoption_scores), 0) AS avg_adoption_score,
        max(u.last_event_at) AS last_event_at,
        sum(u.retention_signals) AS retention_signal_count,
        sum(u.integration_connects) FILTER (WHERE u.day < {{ dateadd('day', 30, 'a.signup_date') }}) AS integration_connects_first_30d
    FROM {{ ref('usage_daily') }} AS u
    JOIN active AS a USING (customer_id)
    WHERE u.day < a.as_of
    GROUP BY u.customer_id
),

tickets AS (
    SELECT
        t.customer_id,
        count(*) FILTER (WHERE t.created_date >= {{ dateadd('day', -30, 'a.as_of') }}) AS tickets_last_30d,
        count(*) FILTER (WHERE t.is_high_priority) AS high_priority_tickets,
        avg(t.resolution_hours) FILTER (WHERE t.resolved_at <= a.as_of) AS avg_resolution_hours
    FROM {{ ref('stg_support_tickets') }} AS t
    JOIN active AS a USING (customer_id)
    WHERE t.created_date < a.as_of
    GROUP BY t.customer_id
)

SELECT
    a.customer_id,
    a.mrr,
    a.tenure_days,
    a.plan_tier,
    a.industry,
    coalesce(e.total_events, 0)::INTEGER AS total_events,
    coalesce(e.events_last_30d, 0)::INTEGER AS events_last_30d,
    coalesce(e.events_last_7d, 0)::INTEGER AS events_last_7d,
    e.avg_adoption_score::DOUBLE PRECISION AS avg_adoption_score,
    -- no events at all: the whole tenure has passed without one (never a 999 sentinel)
    coalesce({{ datediff('e.last_event_at', 'a.as_of', 'day') }}::INTEGER, a.tenure_days) AS days_since_last_event,
    coalesce(e.retention_signal_count, 0)::INTEGER AS retention_signal_count,
    coalesce(e.integration_connects_first_30d, 0)::INTEGER AS integration_connects_first_30d,
    coalesce(t.tickets_last_30d, 0)::INTEGER AS tickets_last_30d,
    coalesce(t.high_priority_tickets, 0)::INTEGER AS high_priority_tickets,
    t.avg_resolution_hours::DOUBLE PRECISION AS avg_resolution_hours,
    a.tenure_days <= 90 AS is_early_stage
FROM active AS a
LEFT JOIN events AS e USING (customer_id)
LEFT JOIN tickets AS t USING (customer_id)
ORDER BY a.customer_id
