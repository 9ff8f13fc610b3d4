-- alerts/as_of_dates.sql — which scoring the alerts compare: the as-of date
-- $1 (NULL: the latest recorded), whether the score history records it,
-- the recorded as-of date before it (NULL when it is the first), and the
-- latest recorded. history/latest_per_as_of.sql gives the scorings.
WITH scorings AS ({{ var('history') }}),
dates AS (SELECT DISTINCT as_of FROM scorings),
chosen AS (SELECT coalesce(CAST($1 AS DATE), (SELECT max(as_of) FROM dates)) AS as_of)
SELECT strftime(c.as_of, '%Y-%m-%d') AS as_of,
       CAST((SELECT count(*) FROM dates AS d WHERE d.as_of = c.as_of) AS DOUBLE) AS recorded,
       strftime((SELECT max(d.as_of) FROM dates AS d WHERE d.as_of < c.as_of), '%Y-%m-%d')
           AS previous,
       strftime((SELECT max(as_of) FROM dates), '%Y-%m-%d') AS latest
FROM chosen AS c
