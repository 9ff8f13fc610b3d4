/*
 * snapshot.h — everything `tenure serve` answers from, loaded once from the
 * warehouse and the models and never changed afterwards.
 *
 * Features do not change between rebuilds, so the snapshot holds each
 * active customer's answers ready to send: the JSON bodies of the churn and
 * upgrade predictions, of the Customer 360, of the customer's line in a
 * work-queue page and of its brief for each audience. A request looks the
 * customer up in a hash index and sends the bytes; nothing is scored per
 * request. Customers who are not active at the as-of date are indexed too,
 * so the server can say when they churned.
 *
 * The line in a work-queue page is made at load; the other bodies of a
 * customer are made from what the load read (snapshot_bodies.h) the first
 * time they are asked for, or before by background threads that run only
 * on otherwise idle cores, so that loading 50,000 customers takes seconds.
 * Made once, they never change.
 *
 * It also holds the dashboard's portfolio, survival and models views
 * (analytics.h), built once.
 *
 * Sharing between threads: a snapshot is immutable and reference counted.
 * The server holds one reference for the current snapshot and every request
 * holds one from its first callback to its completion, so a reload (SIGHUP)
 * swaps in a new snapshot while requests in flight finish on the old one,
 * which is freed when the last of them lets go.
 *
 * A snapshot that could not be loaded (no warehouse, no marts, no models) is
 * still a snapshot: not ready, with the reason, so /health and /ready answer
 * and the server can be reloaded once the files exist.
 */
#ifndef TN_SERVE_SNAPSHOT_H
#define TN_SERVE_SNAPSHOT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "common/error.h"
#include "insight/answer.h"
#include "insight/brief.h"
#include "insight/documents.h"
#include "insight/interventions.h"
#include "insight/movers.h"
#include "ml/drift_check.h"

/* GET /analytics/interventions' answer, made ready at load (what_if.h). */
typedef struct tn_what_if tn_what_if;

/*
 * A response body kept in the snapshot. A body kept only compressed
 * (tn_body_pack) has no text: its gzip is sent to clients that take gzip
 * and inflated for the others; length is still the text's.
 */
typedef struct {
    char *text; /* owned; NUL-terminated JSON; NULL when kept only as gzip */
    size_t length;
    char *gzip; /* a gzip copy (tn_body_compress) for clients that take it, or NULL; owned */
    size_t gzip_length;
} tn_body;

/*
 * A document as a body: its text as insight/documents.h writes every
 * document (reals to 8 significant digits; tn_body_from_json_digits says
 * how many). Drops the reference to `value`. False when memory runs out.
 */
bool tn_body_from_json(json_t *value, tn_body *body);
bool tn_body_from_json_digits(json_t *value, int digits, tn_body *body);

/* Adds the gzip copy of a large body that many clients ask for. False when memory runs out. */
bool tn_body_compress(tn_body *body);

/*
 * Keeps a body only as gzip, for one kept per customer and asked for less
 * often than it takes room (a history of 13 scorings is 5 KB of JSON, 0.8 KB
 * of gzip). False when memory runs out (the body is then as it was).
 */
bool tn_body_pack(tn_body *body);

/* `{"error":{"code":code,"message":message}}` as a body. False when memory runs out. */
bool tn_body_error(const char *code, const char *message, tn_body *body);

typedef enum { TN_SORT_CHURN, TN_SORT_ARR_AT_RISK, TN_SORT_PROPENSITY, TN_SORT_COUNT } tn_sort_key;

/* Where a customer's lazily made bodies are (tn_serve_customer.bodies). */
enum { TN_BODIES_NONE, TN_BODIES_MAKING, TN_BODIES_MADE };

/*
 * One customer active at the as-of date. churn, upgrade, upgrade_status,
 * view, history and brief are valid once `bodies` is TN_BODIES_MADE (read it
 * with acquire order, or ask tn_snapshot_bodies); the rest is made at load.
 */
typedef struct {
    atomic_int bodies; /* TN_BODIES_* */
    char *id;          /* owned */
    char plan_tier[16];
    char risk_tier[16]; /* of the churn probability */
    double churn_probability, arr_at_risk;
    double upgrade_propensity; /* NAN when not an expansion candidate */
    tn_body churn;             /* POST /predictions/churn */
    tn_body upgrade;           /* POST /predictions/upgrade: the prediction, or the error body */
    int upgrade_status;        /* 200, or 422 when not an expansion candidate */
    tn_body view;              /* GET /customers/{id} */
    tn_body item;              /* the customer's object in GET /customers */
    tn_body history;           /* GET /customers/{id}/history (insight/trend.h); packed */
    char *folded_name;         /* the account's name for searching (search.h); owned, NULL: none */
    char *crm_id;              /* owned; NULL: none */
    /* POST /summaries/customer, one per audience (insight/brief.h) */
    tn_body brief[TN_AUDIENCE_COUNT];
} tn_serve_customer;

/*
 * Fills `out` with one customer's bodies (insight/documents.h; its briefs,
 * insight/brief.h, written from its Customer 360 document), its id and
 * search fields, and what the sort orders read; its history body is built
 * apart (tn_body_from_json of tn_document_history). False when memory runs
 * out; what was filled is freed with the snapshot.
 * tn_serve_customer_build is tn_serve_customer_fields (the id, search and
 * sort fields and the item body, made at load) then tn_serve_customer_bodies
 * (the churn, upgrade and Customer 360 bodies and the briefs, made lazily).
 */
bool tn_serve_customer_build(const tn_answer_context *context, const tn_answer *answer,
                             const tn_customer_facts *facts, tn_serve_customer *out);
bool tn_serve_customer_fields(const tn_answer *answer, const tn_customer_facts *facts,
                              tn_serve_customer *out);
bool tn_serve_customer_bodies(const tn_answer_context *context, const tn_answer *answer,
                              const tn_customer_facts *facts, tn_serve_customer *out);

/* Frees the lazily made bodies of `c` (churn, upgrade, view, history, briefs). */
void tn_serve_customer_free_bodies(tn_serve_customer *c);

/* A customer the warehouse knows but who is not active at the as-of date. */
typedef struct {
    char *id;         /* owned */
    char churned[16]; /* "YYYY-MM-DD", or "" when they signed up after the as-of date */
} tn_inactive_customer;

typedef struct {
    atomic_int references;
    bool ready;
    char reason[1024]; /* why not ready */
    char as_of[16], data_as_of[16], built_at[40];
    char churn_version[96], expansion_version[96];
    char risk_formula[256]; /* the composite risk score's formula (every page of the queue says it)
                             */
    double loaded_at;       /* seconds since the epoch */
    double load_seconds;
    /* Where it went: reading the warehouse and scoring, of which the model-health checks
       (drift and the live backtest, run beside the scoring), and making the documents. */
    double read_seconds, health_seconds, build_seconds;

    tn_serve_customer *customers; /* sorted by id */
    size_t customer_count;
    tn_inactive_customer *inactive;
    size_t inactive_count;
    uint32_t *order[TN_SORT_COUNT]; /* customer indices, best first, per sort key */

    /* Open-addressing hash of every id: slot value = 1 + index; active first, then inactive. */
    uint32_t *slots;
    size_t slot_mask;

    tn_body ready_body;   /* GET /ready */
    tn_body model_health; /* GET /health/model: the drift check (ml/drift_check.h) */

    /* The dashboard's views (analytics.h). */
    tn_body portfolio, models;
    tn_body survival;    /* the view, or the error saying why there is none */
    int survival_status; /* 200, or 503 when analysis.json is missing or unreadable */

    tn_movers movers; /* GET /movers, per earlier recorded scoring */

    /* GET /analytics/interventions (insight/interventions.h): the plan it was loaded with,
       each customer's ARR at risk and plan tier (in customer order), and the two rankings:
       [0] by the plan's save rate per tier, [1] by one save rate for every tier; and the
       parts of the answer made from them (what_if.h). Owned. */
    tn_intervention_plan plan;
    double *intervention_at_risk;
    int *intervention_tier;
    uint32_t *intervention_order[2];
    tn_what_if *what_if;

    /* What the customers' bodies are made from (snapshot_bodies.h); owned. */
    struct tn_snapshot_sources *sources;
    /* The threads making every customer's bodies in the background (tn_snapshot_warm). */
    pthread_t warmers[4];
    size_t warmer_count;
    atomic_bool stop_warming;
} tn_snapshot;

/* The recorded as-of dates of the score history serve keeps unless told otherwise: a quarter
   of weekly scorings. Each costs about 0.25 s of loading at 50,000 customers (BENCHMARKS.md). */
#define TN_SERVE_HISTORY_SCORINGS 13

typedef struct {
    const char *db_path;
    const char *parquet_dir; /* NULL, or where the marts come from (warehouse/parquet_inputs.h) */
    const char *models_dir;
    const char *reports_dir;   /* where `tenure analyze` wrote analysis.json */
    double movers_rise;        /* the rise of a churn probability a mover needs (0–1) */
    size_t history_scorings;   /* the last recorded as-of dates of the score history read */
    tn_drift_thresholds drift; /* when a feature has drifted */
    tn_intervention_plan plan; /* save rates and CSM hours per plan tier */
} tn_snapshot_source;

/*
 * Loads a snapshot from the warehouse (opened read-only and closed again)
 * and the models. Returns NULL only when memory runs out; a snapshot that
 * cannot be loaded comes back not ready, with the reason. The caller owns
 * one reference.
 */
tn_snapshot *tn_snapshot_load(const tn_snapshot_source *source);

/* A not-ready snapshot with `reason` (one reference), or NULL when memory runs out. */
tn_snapshot *tn_snapshot_not_ready(const char *reason);

/* Takes one more reference. */
void tn_snapshot_retain(tn_snapshot *snapshot);

/* Drops one reference; the last one frees the snapshot. NULL is allowed. */
void tn_snapshot_release(tn_snapshot *snapshot);

/* What a customer id refers to. */
typedef struct {
    const tn_serve_customer *active;      /* non-NULL: active at the as-of date */
    const tn_inactive_customer *inactive; /* non-NULL: churned or not yet signed up */
} tn_lookup;

/* Looks an id up; both fields NULL when the warehouse has no such customer. */
tn_lookup tn_snapshot_find(const tn_snapshot *snapshot, const char *id);

/*
 * Builds the hash index, the sort orders and the interventions' rankings and
 * ready answers (what_if.h) of a snapshot whose as_of, plan, customers (with
 * their item bodies) and inactive customers are filled in. False when memory
 * runs out.
 */
bool tn_snapshot_index(tn_snapshot *snapshot);

/*
 * `c` (a customer of `snapshot`) with its bodies made: `c` itself, once they
 * are made (by this call, which makes them when no thread has, or before);
 * or `scratch`, filled with a copy of them, when another thread is making
 * them at this moment (no request waits for another; the caller frees
 * scratch with tn_serve_customer_free_bodies). NULL when memory runs out.
 */
const tn_serve_customer *tn_snapshot_bodies(const tn_snapshot *snapshot, const tn_serve_customer *c,
                                            tn_serve_customer *scratch);

/*
 * Starts the threads that make every customer's bodies in the background,
 * at the lowest priority (SCHED_IDLE: they run only when a core would be
 * idle). They stop when the snapshot is freed. Does nothing for a snapshot
 * that is not ready.
 */
void tn_snapshot_warm(tn_snapshot *snapshot);

#endif
