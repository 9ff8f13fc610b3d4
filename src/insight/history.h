/*
 * history.h — the score history: what each scoring of an as-of date said
 * about every active customer, kept in the warehouse, so that trends,
 * movers and alerts can be read from it.
 *
 * `tenure score` records its answers in history.customer_scores_by_as_of
 * (sql/history/schema.sql; docs/data-contract.md): one row per customer,
 * as-of date and pair of model versions, with the churn probability and
 * its tier, the upgrade propensity and its tier, the composite risk score
 * and its tier, ARR, the top drivers and every SHAP value of both models.
 * history.model_features names each model version's features by position.
 *
 * Scoring an as-of date again with the same two models adds nothing: the
 * rows of one scoring go in together, in one transaction, or not at all.
 */
#ifndef TN_INSIGHT_HISTORY_H
#define TN_INSIGHT_HISTORY_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "insight/answer.h"
#include "ml/model.h"
#include "ml/score.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

typedef struct {
    size_t rows;    /* rows added (0 when the scoring was recorded already) */
    bool already;   /* this as-of and these two model versions were recorded before */
    bool new_as_of; /* the history had no scoring of this as-of before (by any models) */
} tn_history_result;

/*
 * Records `answers` (built from `scores`, scored by `churn` and `expansion`
 * at `scored_at`, "YYYY-MM-DDTHH:MM:SSZ") in the history of `db`, which
 * must be open for writing; creates the history's tables the first time.
 * All borrowed. False with `err` set when DuckDB refuses; nothing is
 * recorded then.
 */
bool tn_history_record(tn_db *db, const tn_answer_set *answers, const tn_score_set *scores,
                       const tn_ml_model *churn, const tn_ml_model *expansion,
                       const char *scored_at, tn_history_result *out, tn_error *err);

/* Whether `db` has a score history: `*exists`. False with `err` set when DuckDB refuses. */
bool tn_history_exists(tn_db *db, bool *exists, tn_error *err);

/*
 * Reads the SQL file `path` (embedded) over the history's one scoring per
 * as-of date (its var('history') is sql/history/latest_per_as_of.sql),
 * with `count` bound `params`, into `rows`, which the caller frees with
 * tn_table_free either way. The history must exist (tn_history_exists).
 */
bool tn_history_query(tn_db *db, const char *path, const char *const *params, size_t count,
                      tn_table *rows, tn_error *err);

/*
 * The part of the history a reader keeps: its last recorded as-of dates
 * (sql/history/window.sql), so that `tenure serve` loads the same work
 * however long the history grows.
 */
typedef struct {
    char from[16]; /* the first kept as-of date, "YYYY-MM-DD"; "" when none is recorded */
    size_t kept;   /* recorded as-of dates kept */
    size_t older;  /* recorded as-of dates before `from`, left out */
} tn_history_window;

/*
 * The window of the last `scorings` (at least 1) recorded as-of dates of
 * `db`'s history whose `horizon_days` have passed by the warehouse's as-of
 * date (0: every recorded as-of date).
 */
bool tn_history_window_find(tn_db *db, size_t scorings, int horizon_days, tn_history_window *out,
                            tn_error *err);

/*
 * As tn_history_query, over the scorings of `window` only (NULL: the whole
 * history).
 */
bool tn_history_query_window(tn_db *db, const char *path, const tn_history_window *window,
                             const char *const *params, size_t count, tn_table *rows,
                             tn_error *err);

/* The latest as-of date the history records, in latest[16] ("" when it records none). */
bool tn_history_latest(tn_db *db, char latest[16], tn_error *err);

#endif
