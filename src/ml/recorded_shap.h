/*
 * recorded_shap.h — the SHAP values `tenure score` recorded in the score
 * history, read back instead of recomputed.
 *
 * TreeSHAP is most of scoring's time (about 85 % with the models trained at
 * 50,000 customers). When the history holds the scoring of the warehouse's
 * as-of date by the very same two model versions, made after the warehouse
 * was built (sql/score/recorded_shap.sql), and records each model's features
 * in its encoder's order, that scoring's SHAP values are the ones a new
 * scoring would compute: same trees, same rows. Each customer's recorded
 * probability must also equal, exactly, the one the model gives now, or the
 * values of that model are not used. The doubles come back exactly (DuckDB
 * writes the shortest text that reads back to the same number), so the
 * drivers, and every answer made from them, are byte-identical.
 */
#ifndef TN_ML_RECORDED_SHAP_H
#define TN_ML_RECORDED_SHAP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "ml/model.h"
#include "warehouse/db.h"
#include "warehouse/table.h"

typedef struct {
    tn_table rows;       /* sql/score/recorded_shap.sql; owned */
    bool churn, upgrade; /* whether each model's recorded features match its encoder */
} tn_recorded_shap;

/*
 * Reads the recorded scoring of `db`'s as-of date by `churn` and `expansion`
 * into `out` (free with tn_recorded_shap_free either way). Without a score
 * history or such a scoring, `out` holds no rows: not an error. False with
 * `err` set when DuckDB refuses.
 */
bool tn_recorded_shap_read(tn_db *db, const tn_ml_model *churn, const tn_ml_model *expansion,
                           tn_recorded_shap *out, tn_error *err);

/*
 * Fills scores->shap from the recorded values of the churn model (`churn`)
 * or the expansion model, for the customers of `rows` (their customer_id
 * column, in scores' row order). True when every customer was recorded with
 * exactly scores->probability and a list of scores->features values; false
 * otherwise (then compute them: scores->shap is partly filled).
 */
bool tn_recorded_shap_fill(const tn_recorded_shap *recorded, bool churn, const tn_table *rows,
                           tn_ml_scores *scores);

void tn_recorded_shap_free(tn_recorded_shap *recorded);

#endif
