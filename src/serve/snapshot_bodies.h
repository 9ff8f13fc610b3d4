/*
 * snapshot_bodies.h — what a snapshot keeps from its load to make each
 * customer's bodies when they are first asked for (snapshot.h: the churn,
 * upgrade and Customer 360 bodies, the briefs and the history), and the
 * background threads that make them all ahead of the requests.
 *
 * Making a customer's bodies reads only the sources, which never change
 * after the load, and writes only that customer: any number of threads may
 * make different customers at once. One customer's bodies are made by the
 * thread that moves its `bodies` from TN_BODIES_NONE to TN_BODIES_MAKING
 * (compare-and-swap), and published with TN_BODIES_MADE (release order).
 * The bytes are the ones an eager load made: the same functions, the same
 * inputs.
 */
#ifndef TN_SERVE_SNAPSHOT_BODIES_H
#define TN_SERVE_SNAPSHOT_BODIES_H

#include <stdbool.h>
#include <stddef.h>

#include "insight/answer.h"
#include "insight/history.h"
#include "ml/model.h"
#include "ml/score.h"
#include "ml/survival_model.h"
#include "serve/snapshot.h"
#include "warehouse/table.h"

/* Each customer's rows of one table, in the table's order: first[i], then next[row]. */
typedef struct {
    size_t *first; /* [customers]; SIZE_MAX: none; owned */
    size_t *next;  /* [rows]; SIZE_MAX: the last; owned */
} tn_row_lists;

/* Everything the load read that the bodies are made from; all owned. */
typedef struct tn_snapshot_sources {
    tn_ml_model churn, expansion;
    tn_survival_model survival; /* when has_survival: the set has one */
    bool has_survival;
    tn_score_set scores;
    tn_answer_set answers; /* its context points into the snapshot and the models above */
    /* sql/serve/: customer_360, daily_usage (sparse), recent_tickets, open_opportunities;
       score_history and score_moves when recording */
    tn_table facts, daily, tickets, opportunities, history, moves;
    bool recording;           /* the warehouse has a score history */
    tn_history_window window; /* when recording: the part of it read (insight/history.h) */
    size_t *fact_row;         /* [customers]: the customer's row of facts; owned */
    tn_row_lists daily_rows, ticket_rows, opportunity_rows, point_rows, move_rows;
} tn_snapshot_sources;

/*
 * Finds each scored customer's rows of every table. False when memory runs
 * out or a scored customer has no Customer 360 facts (`err` says which).
 */
bool tn_snapshot_sources_index(tn_snapshot_sources *sources, tn_error *err);

/* Frees the sources and `sources` itself; NULL is allowed. */
void tn_snapshot_sources_free(tn_snapshot_sources *sources);

/*
 * Makes customer i's lazy bodies (snapshot.h) into `out` from `sources`.
 * False when memory runs out; what was made is freed then.
 */
bool tn_snapshot_make_bodies(const tn_snapshot_sources *sources, size_t i, tn_serve_customer *out);

/* Stops and joins the background threads of tn_snapshot_warm. */
void tn_snapshot_stop_warming(tn_snapshot *snapshot);

#endif
