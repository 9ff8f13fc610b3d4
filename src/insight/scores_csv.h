/*
 * scores_csv.h — the answers as CSV, one row per customer, for CRM sync
 * (`tenure score --format csv`): the account as people know it, both
 * predictions with their tiers and three strongest drivers each, the
 * composite risk score and its inputs, ARR and ARR at risk, the quadrant,
 * the three recommended actions, and when and with what it was scored
 * (as-of date, model versions, scored-at time). Empty fields are unknown or
 * do not apply (no upgrade columns for a customer who already upgraded).
 * RFC 4180 quoting; numbers with fixed decimals (probabilities to 10, so
 * calibrated values that differ stay different). docs/answers.md lists the
 * columns.
 */
#ifndef TN_INSIGHT_SCORES_CSV_H
#define TN_INSIGHT_SCORES_CSV_H

#include <stdio.h>

#include "insight/answer.h"

/* The header line. */
void tn_scores_csv_header(FILE *out);

/* One customer's line; `scored_at` is an ISO-8601 UTC time. */
void tn_scores_csv_row(FILE *out, const tn_answer_context *context, const tn_answer *answer,
                       const char *scored_at);

#endif
