/*
 * trend.h — a customer's score history as the document GET
 * /customers/{id}/history answers: every recorded scoring, oldest first
 * (insight/history.h records them; sql/serve/score_history.sql reads one per
 * as-of date), and what changed between the last two: the churn
 * probability, the risk score, the upgrade propensity and their tiers,
 * before and now, and per model the three drivers whose SHAP impact moved
 * most (sql/serve/score_moves.sql), in business words.
 */
#ifndef TN_INSIGHT_TREND_H
#define TN_INSIGHT_TREND_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "insight/answer.h"
#include "insight/history.h"
#include "warehouse/table.h"

/* One row of sql/serve/score_history.sql as a point of the trend (new reference). */
json_t *tn_trend_point(const tn_table *rows, size_t row);

/* One row of sql/serve/score_moves.sql as a moved driver (new reference). */
json_t *tn_trend_move(const tn_table *rows, size_t row);

/*
 * The history document of the customer of `answer` (new reference; NULL when
 * memory runs out): `points` and `moves` are its arrays of tn_trend_point
 * and tn_trend_move (borrowed; NULL: none), `recording` whether the
 * warehouse has a score history at all, `window` the part of it read (NULL:
 * all of it).
 */
json_t *tn_document_history(const tn_answer_context *context, const tn_answer *answer,
                            json_t *points, json_t *moves, bool recording,
                            const tn_history_window *window);

#endif
