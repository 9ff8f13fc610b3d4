/*
 * snapshot_load.c — reading a serving snapshot from the warehouse and the
 * models (see snapshot.h).
 *
 * Steps: load both models (one set: ml/model_set.h), before the warehouse
 * is opened, so the file is held no longer than reading it takes; open the
 * warehouse read-only; read its build (as-of date); score every active customer with the code path
 * `tenure score` uses (ml/score.h, which also names each account: name, owner, renewal, CRM id);
 * read the Customer 360 facts, daily usage, recent tickets, open opportunities and the inactive
 * customers (sql/serve/); close the warehouse, so `tenure build` can write it while the server
 * runs; turn the scores into answers (insight/answer.h) and every customer's answers into its
 * line in a work-queue page (insight/documents.h); build the index and the dashboard's views
 * (insight/analytics.h, with analysis.json from the reports directory). The snapshot keeps what
 * was read, and a customer's other bodies (the predictions, the Customer 360, the briefs from it,
 * the history) are made from it when first asked for (snapshot_bodies.h).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "common/date.h"
#include "common/embedded.h"
#include "common/log.h"
#include "common/parallel.h"
#include "ml/model.h"
#include "ml/model_set.h"
#include "ml/score.h"
#include "insight/analytics.h"
#include "insight/answer.h"
#include "insight/brief.h"
#include "insight/history.h"
#include "insight/model_health.h"
#include "insight/dashboard.h"
#include "insight/documents.h"
#include "insight/trend.h"
#include "serve/search.h"
#include "serve/snapshot_bodies.h"
#include "serve/snapshot.h"
#include "warehouse/build.h"
#include "warehouse/db.h"
#include "warehouse/parquet_inputs.h"
#include "warehouse/query.h"
#include "warehouse/table.h"
#include "warehouse/template.h"

/*
 * What the warehouse and the models hold, before it becomes a snapshot. What
 * the customers' bodies are made from is `kept` (snapshot_bodies.h), which
 * the snapshot takes over.
 */
typedef struct {
    tn_snapshot_sources *kept; /* owned until the snapshot takes it */
    tn_table info, inactive, industries;
    tn_table movers;       /* sql/serve/score_movers.sql */
    char latest[16];       /* the latest recorded as-of date, or "" */
    json_t *drift;         /* the drift check (ml/drift_check.h) */
    double health_seconds; /* how long the model-health checks took */
} sources;

static void sources_free(sources *s) {
    tn_snapshot_sources_free(s->kept);
    s->kept = NULL;
    tn_table_free(&s->info);
    tn_table_free(&s->inactive);
    tn_table_free(&s->industries);
    tn_table_free(&s->movers);
    json_decref(s->drift);
}

/* The latest as-of date among the recorded points (rows of sql/serve/score_history.sql). */
static void latest_point(const tn_table *points, char latest[16]) {
    char *const *dates = tn_table_texts(points, "as_of");
    latest[0] = '\0';
    for (size_t i = 0; dates != NULL && i < points->rows; i++)
        if (dates[i] != NULL && strcmp(dates[i], latest) > 0)
            snprintf(latest, 16, "%s", dates[i]);
}

/* The score history's points, moves and movers (insight/history.h), when the warehouse has one. */
static bool read_history(tn_db *db, const tn_snapshot_source *source, sources *s, tn_error *err) {
    tn_snapshot_sources *k = s->kept;
    if (!tn_history_exists(db, &k->recording, err))
        return false;
    if (!k->recording)
        return true;
    bool ok = tn_history_window_find(db, source->history_scorings, 0, &k->window, err) &&
              tn_history_query_window(db, "sql/serve/score_history.sql", &k->window, NULL, 0,
                                      &k->history, err) &&
              tn_history_query_window(db, "sql/serve/score_moves.sql", &k->window, NULL, 0,
                                      &k->moves, err);
    if (!ok) {
        tn_error_prefix(err, "the score history");
        return false;
    }
    latest_point(&k->history, s->latest);
    return tn_movers_read_rows(db, source->movers_rise, &k->window, &s->movers, err);
}

static const char *info_text(const sources *s, const char *column) {
    char *const *values = tn_table_texts(&s->info, column);
    return values != NULL && values[0] != NULL ? values[0] : "";
}

/*
 * The rows the customers' bodies and the dashboard are made from besides the
 * scores, and the drift check, on a connection of their own (warehouse/db.h)
 * and a thread of their own while the first connection's thread scores; the
 * score history on a third, beside both.
 */
typedef struct {
    void *(*run)(void *);
    tn_db *db; /* its connection, owned */
    const tn_snapshot_source *source;
    sources *s; /* writes only the tables its run names */
    bool ok;
    tn_error err;
} side_reads;

static void *run_reads(void *arg) {
    side_reads *r = arg;
    tn_snapshot_sources *k = r->s->kept;
    const struct {
        const char *sql;
        tn_table *rows;
    } reads[] = {
        {"sql/serve/customer_360.sql", &k->facts},
        {"sql/serve/daily_usage.sql", &k->daily},
        {"sql/serve/recent_tickets.sql", &k->tickets},
        {"sql/serve/open_opportunities.sql", &k->opportunities},
        {"sql/serve/inactive_customers.sql", &r->s->inactive},
        {"sql/insight/industries.sql", &r->s->industries},
    };
    r->ok = true;
    for (size_t i = 0; r->ok && i < sizeof reads / sizeof reads[0]; i++)
        r->ok = tn_table_query(r->db, tn_embedded_text(reads[i].sql), reads[i].rows, &r->err);
    if (r->ok) {
        double started = tn_log_now();
        r->s->drift =
            tn_model_health(r->db, &k->churn, &k->expansion, &r->source->drift,
                            info_text(r->s, "as_of"), r->source->history_scorings, &r->err);
        r->ok = r->s->drift != NULL;
        r->s->health_seconds = tn_log_now() - started;
    }
    return NULL;
}

/* read_history on its own connection: the points, moves and movers (window, recording, latest). */
static void *run_history(void *arg) {
    side_reads *r = arg;
    r->ok = read_history(r->db, r->source, r->s, &r->err);
    return NULL;
}

/* Starts r->run on its own thread, or runs it here when no thread or connection can be had. */
static bool start_side(tn_db *db, side_reads *r, pthread_t *thread) {
    tn_error_clear(&r->err);
    if (tn_db_connect_again(db, &r->db, NULL) && pthread_create(thread, NULL, r->run, r) == 0)
        return true;
    tn_db *second = r->db;
    r->db = db;
    r->run(r);
    r->db = second;
    return false;
}

/* The warehouse's build, scores and rows, read on three connections at once. */
static bool read_warehouse(tn_db *db, const tn_snapshot_source *source, sources *s, tn_error *err) {
    bool ok = tn_build_marts_complete(db, err) &&
              tn_table_query(db, tn_embedded_text("sql/serve/snapshot_info.sql"), &s->info, err);
    if (ok && s->info.rows != 1)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s: marts.build_info has %zu rows, expected 1",
                          source->db_path, s->info.rows);
    if (!ok)
        return false;
    side_reads sides[] = {{.run = run_reads, .source = source, .s = s},
                          {.run = run_history, .source = source, .s = s}};
    enum { SIDES = sizeof sides / sizeof sides[0] };
    pthread_t threads[SIDES];
    bool threaded[SIDES];
    for (size_t i = 0; i < SIDES; i++)
        threaded[i] = start_side(db, &sides[i], &threads[i]);
    tn_snapshot_sources *k = s->kept;
    ok = tn_score_all(db, &k->churn, &k->expansion, k->has_survival ? &k->survival : NULL,
                      &k->scores, err);
    for (size_t i = 0; i < SIDES; i++) {
        if (threaded[i])
            pthread_join(threads[i], NULL);
        tn_db_close(sides[i].db);
        if (ok && !sides[i].ok && err != NULL)
            *err = sides[i].err;
        ok = ok && sides[i].ok;
    }
    return ok;
}

static bool read_sources(const tn_snapshot_source *source, sources *s, tn_error *err) {
    tn_db *db = NULL;
    tn_error model_error;
    tn_snapshot_sources *k = s->kept = calloc(1, sizeof *s->kept);
    if (k == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    bool models = tn_model_set_load_with_survival(source->models_dir, &k->churn, &k->expansion,
                                                  &k->survival, &k->has_survival, &model_error);
    bool ok = source->parquet_dir != NULL /* its problem first */
                  ? tn_parquet_inputs_open(source->db_path, TN_DB_READ_ONLY, source->parquet_dir,
                                           TN_PARQUET_MARTS, &db, err)
                  : tn_db_open(source->db_path, TN_DB_READ_ONLY, &db, err);
    if (ok && !models)
        ok = err != NULL ? (*err = model_error, false) : false;
    ok = ok && read_warehouse(db, source, s, err);
    tn_db_close(db);
    if (ok && k->facts.rows != k->scores.count)
        ok = tn_error_set(err, TN_ERR_INTERNAL,
                          "%zu customers scored but %zu with Customer 360 facts", k->scores.count,
                          k->facts.rows);
    return ok;
}

/*
 * The Customer 360 body and, written from the same document, the briefs of
 * every audience (insight/brief.h). Drops the reference to `view`.
 */
static bool view_and_briefs(json_t *view, tn_serve_customer *out) {
    bool ok = view != NULL;
    for (int a = 0; ok && a < TN_AUDIENCE_COUNT; a++)
        ok = tn_body_from_json(tn_document_brief(view, (tn_audience)a), &out->brief[a]);
    return tn_body_from_json(view, &out->view) && ok;
}

bool tn_serve_customer_fields(const tn_answer *answer, const tn_customer_facts *facts,
                              tn_serve_customer *out) {
    const tn_customer_score *c = answer->score;
    out->id = strdup(c->customer_id);
    snprintf(out->plan_tier, sizeof out->plan_tier, "%s", c->plan_tier);
    snprintf(out->risk_tier, sizeof out->risk_tier, "%s", answer->churn_tier);
    out->churn_probability = c->churn_probability;
    out->arr_at_risk = answer->arr_at_risk;
    out->upgrade_propensity = c->expansion_candidate ? c->upgrade_propensity : NAN;
    out->folded_name = tn_search_fold(c->name);
    out->crm_id = c->crm_id != NULL ? strdup(c->crm_id) : NULL;
    return out->id != NULL && (out->folded_name != NULL || c->name == NULL) &&
           (out->crm_id != NULL || c->crm_id == NULL) &&
           tn_body_from_json(tn_document_item(answer, facts), &out->item);
}

bool tn_serve_customer_bodies(const tn_answer_context *context, const tn_answer *answer,
                              const tn_customer_facts *facts, tn_serve_customer *out) {
    const tn_customer_score *c = answer->score;
    json_t *prediction = tn_document_prediction(context, answer);
    /* the prediction holds the upgrade document (or null): one copy serves all three bodies */
    json_t *upgrade = json_incref(json_object_get(prediction, "upgrade"));
    if (json_is_null(upgrade)) {
        json_decref(upgrade);
        upgrade = NULL;
    }
    bool ok =
        prediction != NULL && (upgrade != NULL || !c->expansion_candidate) &&
        view_and_briefs(tn_document_customer(context, answer, facts, prediction, upgrade), out);
    if (ok && upgrade != NULL) {
        out->upgrade_status = 200;
        ok = tn_body_from_json(json_incref(upgrade), &out->upgrade);
    } else if (ok) {
        char message[256];
        char *const *upgraded = tn_table_texts(facts->facts, "upgraded_on");
        tn_document_no_upgrade(answer, upgraded != NULL ? upgraded[facts->row] : NULL, message,
                               sizeof message);
        out->upgrade_status = 422;
        ok = tn_body_error("not_expansion_candidate", message, &out->upgrade);
    }
    ok = ok && tn_body_from_json(json_incref(prediction), &out->churn);
    json_decref(prediction);
    json_decref(upgrade);
    return ok;
}

bool tn_serve_customer_build(const tn_answer_context *context, const tn_answer *answer,
                             const tn_customer_facts *facts, tn_serve_customer *out) {
    return tn_serve_customer_fields(answer, facts, out) &&
           tn_serve_customer_bodies(context, answer, facts, out);
}

/* What making the customers' fields shares: each call writes only its own customers. */
typedef struct {
    tn_snapshot *snapshot;
    const tn_snapshot_sources *kept;
} fields_work;

/* The id, search and sort fields and the item body of customers [from, to). */
static bool fields_in(void *context, size_t from, size_t to) {
    const fields_work *work = context;
    const tn_snapshot_sources *k = work->kept;
    for (size_t i = from; i < to; i++) {
        tn_customer_facts facts = {&k->facts, k->fact_row[i], NULL, NULL, NULL};
        atomic_init(&work->snapshot->customers[i].bodies, TN_BODIES_NONE);
        if (!tn_serve_customer_fields(&k->answers.answers[i], &facts,
                                      &work->snapshot->customers[i]))
            return false;
    }
    return true;
}

/*
 * Every customer's fields made at load, the customers split across the cores
 * (common/parallel.h); the snapshot takes the sources the rest is made from.
 */
static bool build_customers(tn_snapshot *snapshot, sources *s, tn_error *err) {
    tn_snapshot_sources *k = s->kept;
    if (!tn_snapshot_sources_index(k, err))
        return false;
    snapshot->customers = calloc(k->scores.count + 1, sizeof *snapshot->customers);
    if (snapshot->customers == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    snapshot->customer_count = k->scores.count;
    fields_work work = {snapshot, k};
    if (!tn_parallel_for(snapshot->customer_count, 0, fields_in, &work))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    return true;
}

static bool build_inactive(tn_snapshot *snapshot, const sources *s) {
    snapshot->inactive = calloc(s->inactive.rows + 1, sizeof *snapshot->inactive);
    if (snapshot->inactive == NULL)
        return false;
    char *const *ids = tn_table_texts(&s->inactive, "customer_id");
    char *const *churned = tn_table_texts(&s->inactive, "churned");
    for (size_t r = 0; r < s->inactive.rows; r++) {
        tn_inactive_customer *c = &snapshot->inactive[snapshot->inactive_count++];
        if ((c->id = strdup(ids[r] ? ids[r] : "")) == NULL)
            return false;
        snprintf(c->churned, sizeof c->churned, "%s", churned[r] ? churned[r] : "");
    }
    return true;
}

static json_t *model_json(const tn_ml_model *model) {
    return json_pack("{s:s, s:s}", "version", model->version, "as_of", model->as_of);
}

static bool build_ready_body(tn_snapshot *snapshot, const sources *s) {
    json_t *warnings = json_array();
    const tn_ml_model *models[2] = {&s->kept->churn, &s->kept->expansion};
    for (int m = 0; m < 2; m++)
        if (strcmp(models[m]->as_of, snapshot->as_of) != 0) {
            char text[256];
            snprintf(text, sizeof text,
                     "the %s model was trained as of %s, the warehouse is as of %s",
                     models[m]->name, models[m]->as_of, snapshot->as_of);
            json_array_append_new(warnings, json_string(text));
        }
    char loaded[TN_TIME_BUF];
    tn_time_format_utc((time_t)snapshot->loaded_at, loaded);
    return tn_body_from_json(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:{s:o, s:o}, s:o}",
                                       "status", "ready", "as_of", snapshot->as_of, "data_as_of",
                                       snapshot->data_as_of, "built_at", snapshot->built_at,
                                       "loaded_at", loaded, "customers",
                                       (json_int_t)snapshot->customer_count, "inactive_customers",
                                       (json_int_t)snapshot->inactive_count, "models", "churn",
                                       model_json(&s->kept->churn), "expansion",
                                       model_json(&s->kept->expansion), "warnings", warnings),
                             &snapshot->ready_body);
}

/* The survival view, or the 503 saying why there is none. */
static bool build_survival(tn_snapshot *snapshot, const char *reports_dir) {
    char problem[4400];
    json_t *view = tn_dashboard_survival(reports_dir, snapshot->as_of, problem, sizeof problem);
    snapshot->survival_status = view != NULL ? 200 : 503;
    return view != NULL ? tn_body_from_json_digits(view, 15, &snapshot->survival)
                        : tn_body_error("analysis_missing", problem, &snapshot->survival);
}

static bool build_analytics(tn_snapshot *snapshot, const sources *s,
                            const tn_snapshot_source *source) {
    const char *reports_dir = source->reports_dir ? source->reports_dir : "reports";
    return tn_body_from_json_digits(
               tn_dashboard_portfolio(&s->kept->answers, &s->inactive, &s->industries, reports_dir),
               15, &snapshot->portfolio) &&
           tn_body_from_json_digits(tn_dashboard_models(&s->kept->churn, &s->kept->expansion,
                                                        reports_dir, snapshot->as_of, s->drift),
                                    15, &snapshot->models) &&
           tn_body_from_json_digits(json_incref(s->drift), 15, &snapshot->model_health) &&
           build_survival(snapshot, reports_dir) && tn_body_compress(&snapshot->portfolio) &&
           tn_body_compress(&snapshot->models) && tn_body_compress(&snapshot->model_health) &&
           tn_body_compress(&snapshot->survival);
}

/*
 * The dashboard's bodies (build_analytics), made on a thread of their own
 * beside the customers' fields: they read the answers and write only the
 * snapshot's portfolio, models, model-health and survival bodies.
 */
typedef struct {
    tn_snapshot *snapshot;
    const sources *s;
    const tn_snapshot_source *source;
    bool ok;
} analytics_work;

static void *run_analytics(void *arg) {
    analytics_work *work = arg;
    work->ok = build_analytics(work->snapshot, work->s, work->source);
    return NULL;
}

static bool assemble(tn_snapshot *snapshot, sources *s, const tn_snapshot_source *source,
                     tn_error *err) {
    snprintf(snapshot->as_of, sizeof snapshot->as_of, "%s", info_text(s, "as_of"));
    snprintf(snapshot->data_as_of, sizeof snapshot->data_as_of, "%s", info_text(s, "data_as_of"));
    snprintf(snapshot->built_at, sizeof snapshot->built_at, "%s", info_text(s, "built_at"));
    snprintf(snapshot->churn_version, sizeof snapshot->churn_version, "%s", s->kept->churn.version);
    snprintf(snapshot->expansion_version, sizeof snapshot->expansion_version, "%s",
             s->kept->expansion.version);
    snapshot->loaded_at = (double)time(NULL);
    snapshot->plan = source->plan;
    snprintf(snapshot->risk_formula, sizeof snapshot->risk_formula, "%s",
             s->kept->scores.risk_formula);
    tn_answer_context context;
    tn_answer_context_init(&context, snapshot->as_of, &s->kept->churn, &s->kept->expansion,
                           &s->kept->scores);
    context.churn_version = snapshot->churn_version; /* the snapshot's copies outlive `s` */
    context.expansion_version = snapshot->expansion_version;
    context.risk_formula = snapshot->risk_formula;
    context.survival = s->kept->has_survival ? &s->kept->survival : NULL;
    if (!tn_answers_build(&context, &s->kept->scores, &s->kept->answers, err))
        return false;
    analytics_work analytics = {snapshot, s, source, false};
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, run_analytics, &analytics) == 0;
    bool ok = build_customers(snapshot, s, err) &&
              tn_movers_build(&s->kept->answers, &s->movers, s->latest, source->movers_rise,
                              s->kept->window.older, &snapshot->movers, err);
    if (ok && !(build_inactive(snapshot, s) && tn_snapshot_index(snapshot) &&
                build_ready_body(snapshot, s)))
        ok = tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    if (threaded)
        pthread_join(thread, NULL);
    else
        run_analytics(&analytics);
    if (!ok)
        return false;
    if (!analytics.ok)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    snapshot->sources = s->kept; /* the customers' bodies are made from it */
    s->kept = NULL;
    return true;
}

tn_snapshot *tn_snapshot_load(const tn_snapshot_source *source) {
    double started = tn_log_now();
    sources s = {0};
    tn_error err;
    tn_error_clear(&err);
    tn_snapshot *snapshot = tn_snapshot_not_ready("");
    bool ok = snapshot != NULL && read_sources(source, &s, &err);
    double read = tn_log_now();
    ok = ok && assemble(snapshot, &s, source, &err);
    sources_free(&s);
    if (snapshot != NULL && !ok) {
        tn_snapshot_release(snapshot);
        snapshot = tn_snapshot_not_ready(err.message);
    } else if (snapshot != NULL) {
        snapshot->ready = true;
        snapshot->load_seconds = tn_log_now() - started;
        snapshot->health_seconds = s.health_seconds;
        snapshot->read_seconds = read - started;
        snapshot->build_seconds = snapshot->load_seconds - (read - started);
    }
    return snapshot;
}
