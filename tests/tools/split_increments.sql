-- split_increments.sql — a company's CSV export (`tenure generate --csv`)
-- cut by date into the increments its tools would have exported day by day
-- (tests/integration/test_append.sh, bench/append.sh). Increment k holds
-- what changed in period k, each record as the export knew it at the end of
-- the period:
--   customers     signed up in the period (a churn_date or upgrade_date
--                 after the period left empty), and those whose churn_date
--                 or upgrade_date falls in it, now with it;
--   usage_events  the events of the period;
--   tickets       opened in the period (resolution_time empty while the
--                 ticket is open at the period's end), and those resolved in
--                 it (opened + resolution_time hours), now with it;
--   opportunities in the period of the close date (a date after the last
--                 period: the last), with their final state; a closed deal
--                 also once in the period before, still in 'proposal' with
--                 80% of its amount, when its customer had signed up by then;
--   risk_signals  in the customer's signup period; a customer who churns in
--                 a later period is sent again then, the flags rescored.
-- Nothing is dated after its period's end, and the state after the last
-- increment is the export itself.
--
-- Variables (SET VARIABLE before this script): export_dir (the export),
-- bounds (the DATEs between periods, in order: n - 1 of them for n
-- periods), period (k, 1-based). Run in the directory the increment's five
-- CSV files are written to.
SET TimeZone = 'UTC';

-- The period a date or time falls in: 1 + the bounds at or before it.
CREATE OR REPLACE TEMP MACRO period_of(d) AS
    CASE WHEN d IS NOT NULL
         THEN 1 + len(list_filter(getvariable('bounds'), lambda b: CAST(b AS TIMESTAMP) <= d)) END;

SET VARIABLE lower_bound = CASE WHEN getvariable('period') > 1
                                THEN CAST(getvariable('bounds')[getvariable('period') - 1] AS TIMESTAMP) END;
SET VARIABLE upper_bound = CASE WHEN getvariable('period') <= len(getvariable('bounds'))
                                THEN CAST(getvariable('bounds')[getvariable('period')] AS TIMESTAMP) END;

CREATE OR REPLACE TEMP MACRO in_period(t) AS
    (getvariable('lower_bound') IS NULL OR t >= getvariable('lower_bound'))
    AND (getvariable('upper_bound') IS NULL OR t < getvariable('upper_bound'));

CREATE OR REPLACE TEMP MACRO export(name) AS TABLE
    SELECT * FROM read_csv(getvariable('export_dir') || '/' || name || '.csv', all_varchar = true, header = true);

CREATE OR REPLACE TEMP TABLE customer_periods AS
SELECT *,
       period_of(CAST(signup_date AS DATE)) AS ps,
       period_of(CAST(churn_date AS DATE)) AS pc,
       period_of(CAST(upgrade_date AS DATE)) AS pu
FROM export('customers');

COPY (
    SELECT customer_id, industry, plan_tier, signup_date, mrr,
           CASE WHEN pc <= getvariable('period') THEN churn_date END AS churn_date,
           CASE WHEN pu <= getvariable('period') THEN upgrade_date END AS upgrade_date,
           name, owner, renewal_date, crm_id
    FROM customer_periods
    WHERE getvariable('period') IN (ps, pc, pu)
) TO 'customers.csv' (HEADER);

COPY (
    SELECT * FROM export('usage_events') WHERE in_period(CAST("timestamp" AS TIMESTAMP))
) TO 'usage_events.csv' (HEADER);

COPY (
    WITH tickets AS (
        SELECT *,
               period_of(CAST(created_date AS DATE)) AS pa,
               period_of(CAST(created_date AS TIMESTAMP)
                         + coalesce(CAST(resolution_time AS INTEGER), 0) * INTERVAL 1 HOUR) AS pr
        FROM export('support_tickets')
    )
    SELECT ticket_id, customer_id, created_date, priority,
           CASE WHEN pr <= getvariable('period') THEN resolution_time END AS resolution_time, topic
    FROM tickets
    WHERE getvariable('period') IN (pa, pr)
) TO 'support_tickets.csv' (HEADER);

COPY (
    WITH deals AS (
        SELECT o.*, c.ps,
               greatest(period_of(CAST(o.close_date AS DATE)), c.ps) AS pd
        FROM export('gtm_opportunities') AS o JOIN customer_periods AS c USING (customer_id)
    )
    SELECT opp_id, customer_id, stage, close_date, amount, sales_owner, opportunity_type
    FROM deals WHERE pd = getvariable('period')
    UNION ALL
    SELECT opp_id, customer_id, 'proposal', close_date,
           printf('%.2f', CAST(amount AS DECIMAL(12, 2)) * 0.8), sales_owner, opportunity_type
    FROM deals
    WHERE stage IN ('closed_won', 'closed_lost') AND pd - 1 = getvariable('period') AND pd - 1 >= ps
) TO 'gtm_opportunities.csv' (HEADER);

COPY (
    SELECT r.customer_id, r.compliance_gap_score,
           CASE WHEN c.pc > c.ps AND getvariable('period') = c.ps THEN '0' ELSE r.vendor_risk_flags END
               AS vendor_risk_flags
    FROM export('risk_signals') AS r JOIN customer_periods AS c USING (customer_id)
    WHERE getvariable('period') = c.ps OR (getvariable('period') = c.pc AND c.pc > c.ps)
) TO 'risk_signals.csv' (HEADER);
