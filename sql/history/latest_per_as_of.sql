-- history/latest_per_as_of.sql — the score history with one scoring per
-- customer and as-of date: when an as-of was scored by more than one pair
-- of models, the latest scoring (then the latest model versions) stands.
-- Up to the warehouse's as-of date: a history that runs past it (the
-- warehouse was rebuilt from older data) does not show the future.
-- From var('from') on (a DATE literal): `tenure serve` keeps only its
-- window of the last scorings (history/window.sql); the other readers pass
-- DATE '-infinity', the whole history.
--
-- Only the few (customer, as-of) pairs scored more than once are ranked, on
-- their key columns; the wide rows (SHAP lists) are never sorted. A window
-- over every row, lists and all, took most of serve's history reads.
SELECT h.*
FROM history.customer_scores_by_as_of AS h
CROSS JOIN marts.build_info AS b
WHERE h.as_of <= b.as_of
  AND h.as_of >= {{ var('from') }}
  AND (h.customer_id, h.as_of, h.churn_model_version, h.expansion_model_version) NOT IN (
    SELECT (customer_id, as_of, churn_model_version, expansion_model_version) -- outranked
    FROM history.customer_scores_by_as_of
    WHERE as_of >= {{ var('from') }}
      AND (customer_id, as_of) IN (
        SELECT (customer_id, as_of)
        FROM history.customer_scores_by_as_of
        WHERE as_of >= {{ var('from') }}
        GROUP BY customer_id, as_of
        HAVING count(*) > 1
    )
    QUALIFY row_number() OVER (
        PARTITION BY customer_id, as_of
        ORDER BY scored_at DESC, churn_model_version DESC, expansion_model_version DESC
    ) > 1
)
