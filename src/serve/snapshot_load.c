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
 * runs; turn the scores into answers (insight/answer.h) and every customer's answers into the
 * bodies it serves (insight/documents.h; the briefs, insight/brief.h, from its Customer 360);
 * build the index and the dashboard's views (insight/analytics.h, with analysis.json from the
 * reports directory).
 */
#include <math.h>
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
#include "serve/snapshot.h"
#include "warehouse/db.h"
#include "warehouse/query.h"
#include "warehouse/table.h"
#include "warehouse/template.h"

/* What the warehouse and the models hold, before it becomes a snapshot. */
typedef struct {
    tn_ml_model churn, expansion;
    tn_survival_model survival; /* when has_survival: the set has one */
    bool has_survival;
    tn_score_set scores;
    tn_answer_set answers;
    tn_table info, facts, daily, tickets, opportunities, inactive, industries;
    bool recording;                  /* the warehouse has a score history */
    tn_table history, moves, movers; /* sql/serve/score_history.sql, score_moves.sql,
                                        score_movers.sql */
    char latest[16];                 /* the latest recorded as-of date, or "" */
    json_t *drift;                   /* the drift check (ml/drift_check.h) */
    double health_seconds;           /* how long the model-health checks took */
} sources;

static void sources_free(sources *s) {
    tn_ml_model_free(&s->churn);
    tn_ml_model_free(&s->expansion);
    tn_survival_model_free(&s->survival);
    tn_score_set_free(&s->scores);
    tn_answers_free(&s->answers);
    tn_table_free(&s->info);
    tn_table_free(&s->facts);
    tn_table_free(&s->daily);
    tn_table_free(&s->tickets);
    tn_table_free(&s->opportunities);
    tn_table_free(&s->inactive);
    tn_table_free(&s->industries);
    tn_table_free(&s->history);
    tn_table_free(&s->moves);
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
    if (!tn_history_exists(db, &s->recording, err))
        return false;
    if (!s->recording)
        return true;
    bool ok = tn_history_query(db, "sql/serve/score_history.sql", NULL, 0, &s->history, err) &&
              tn_history_query(db, "sql/serve/score_moves.sql", NULL, 0, &s->moves, err);
    if (!ok) {
        tn_error_prefix(err, "the score history");
        return false;
    }
    latest_point(&s->history, s->latest);
    return tn_movers_read_rows(db, source->movers_rise, &s->movers, err);
}

static const char *info_text(const sources *s, const char *column) {
    char *const *values = tn_table_texts(&s->info, column);
    return values != NULL && values[0] != NULL ? values[0] : "";
}

static bool read_sources(const tn_snapshot_source *source, sources *s, tn_error *err) {
    tn_db *db = NULL;
    tn_error model_error;
    bool models = tn_model_set_load_with_survival(source->models_dir, &s->churn, &s->expansion,
                                                  &s->survival, &s->has_survival, &model_error);
    bool ok = tn_db_open(source->db_path, TN_DB_READ_ONLY, &db, err); /* its problem first */
    if (ok && !models)
        ok = err != NULL ? (*err = model_error, false) : false;
    ok = ok && tn_table_query(db, tn_embedded_text("sql/serve/snapshot_info.sql"), &s->info, err);
    if (ok && s->info.rows != 1)
        ok = tn_error_set(err, TN_ERR_INPUT, "%s: marts.build_info has %zu rows, expected 1",
                          source->db_path, s->info.rows);
    ok = ok && tn_score_all(db, &s->churn, &s->expansion, s->has_survival ? &s->survival : NULL,
                            &s->scores, err);
    const struct {
        const char *sql;
        tn_table *rows;
    } reads[] = {
        {"sql/serve/customer_360.sql", &s->facts},
        {"sql/serve/daily_usage.sql", &s->daily},
        {"sql/serve/recent_tickets.sql", &s->tickets},
        {"sql/serve/open_opportunities.sql", &s->opportunities},
        {"sql/serve/inactive_customers.sql", &s->inactive},
        {"sql/insight/industries.sql", &s->industries},
    };
    for (size_t i = 0; ok && i < sizeof reads / sizeof reads[0]; i++)
        ok = tn_table_query(db, tn_embedded_text(reads[i].sql), reads[i].rows, err);
    ok = ok && read_history(db, source, s, err);
    if (ok) {
        double started = tn_log_now();
        s->drift = tn_model_health(db, &s->churn, &s->expansion, &source->drift,
                                   info_text(s, "as_of"), err);
        ok = s->drift != NULL;
        s->health_seconds = tn_log_now() - started;
    }
    tn_db_close(db);
    if (ok && s->facts.rows != s->scores.count)
        ok = tn_error_set(err, TN_ERR_INTERNAL,
                          "%zu customers scored but %zu with Customer 360 facts", s->scores.count,
                          s->facts.rows);
    return ok;
}

/* One row of a per-customer table as JSON (new reference). */
typedef json_t *(*row_to_json)(const tn_table *rows, size_t row);

/* The rows of `rows` for each scored customer, as JSON arrays (caller decrefs each). */
/* What converting the rows of one table shares: each call writes only its own rows. */
typedef struct {
    const tn_table *rows;
    row_to_json convert;
    json_t **converted; /* [rows] */
} row_work;

static bool convert_rows(void *context, size_t from, size_t to) {
    const row_work *work = context;
    for (size_t r = from; r < to; r++)
        if ((work->converted[r] = work->convert(work->rows, r)) == NULL)
            return false;
    return true;
}

/*
 * Each scored customer's rows of `rows`, converted (on every core), as one JSON array per
 * customer in the scores' order; NULL when memory runs out.
 */
static json_t **group_by_customer(const sources *s, const tn_table *rows, row_to_json convert) {
    json_t **lists = calloc(s->scores.count + 1, sizeof *lists);
    row_work work = {rows, convert, calloc(rows->rows + 1, sizeof *work.converted)};
    bool ok = lists != NULL && work.converted != NULL &&
              tn_parallel_for(rows->rows, 0, convert_rows, &work);
    for (size_t i = 0; ok && i < s->scores.count; i++)
        ok = (lists[i] = json_array()) != NULL;
    char *const *owners = tn_table_texts(rows, "customer_id");
    for (size_t r = 0; ok && owners != NULL && r < rows->rows; r++) {
        const tn_customer_score *c = tn_score_find(&s->scores, owners[r] ? owners[r] : "");
        if (c != NULL)
            ok = json_array_append(lists[c - s->scores.customers], work.converted[r]) == 0;
    }
    for (size_t r = 0; work.converted != NULL && r < rows->rows; r++)
        json_decref(work.converted[r]);
    free(work.converted);
    if (!ok && lists != NULL) {
        for (size_t i = 0; i < s->scores.count; i++)
            json_decref(lists[i]);
        free(lists);
        lists = NULL;
    }
    return lists;
}

static void free_groups(json_t **lists, size_t count) {
    for (size_t i = 0; lists != NULL && i < count; i++)
        json_decref(lists[i]);
    free(lists);
}

/* "0,3,5" → [0, 3, 5] */
static json_t *daily_counts(const tn_table *rows, size_t row) {
    char *const *texts = tn_table_texts(rows, "daily_events");
    json_t *counts = json_array();
    for (const char *p = texts[row] ? texts[row] : ""; *p;) {
        char *end;
        long value = strtol(p, &end, 10);
        if (end == p)
            break;
        json_array_append_new(counts, json_integer(value));
        p = *end == ',' ? end + 1 : end;
    }
    return counts;
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

bool tn_serve_customer_build(const tn_answer_context *context, const tn_answer *answer,
                             const tn_customer_facts *facts, tn_serve_customer *out) {
    const tn_customer_score *c = answer->score;
    out->id = strdup(c->customer_id);
    snprintf(out->plan_tier, sizeof out->plan_tier, "%s", c->plan_tier);
    snprintf(out->risk_tier, sizeof out->risk_tier, "%s", answer->churn_tier);
    out->churn_probability = c->churn_probability;
    out->arr_at_risk = answer->arr_at_risk;
    out->upgrade_propensity = c->expansion_candidate ? c->upgrade_propensity : NAN;
    out->folded_name = tn_search_fold(c->name);
    out->crm_id = c->crm_id != NULL ? strdup(c->crm_id) : NULL;

    json_t *prediction = tn_document_prediction(context, answer);
    /* the prediction holds the upgrade document (or null): one copy serves all three bodies */
    json_t *upgrade = json_incref(json_object_get(prediction, "upgrade"));
    if (json_is_null(upgrade)) {
        json_decref(upgrade);
        upgrade = NULL;
    }
    bool ok =
        out->id != NULL && (out->folded_name != NULL || c->name == NULL) &&
        (out->crm_id != NULL || c->crm_id == NULL) && prediction != NULL &&
        (upgrade != NULL || !c->expansion_candidate) &&
        view_and_briefs(tn_document_customer(context, answer, facts, prediction, upgrade), out) &&
        tn_body_from_json(tn_document_item(answer, facts), &out->item);
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

/* Every active customer's history body (insight/trend.h). False when memory runs out. */
/* What the document loops below share: each writes only its own customers. */
typedef struct {
    tn_snapshot *snapshot;
    const sources *s;
    json_t **opportunities, **tickets, **daily; /* per scored customer (group_by_customer) */
    json_t **points, **moves;
} document_work;

/* The Customer 360 and prediction bodies of the facts' rows [from, to). */
static bool customers_in(void *context, size_t from, size_t to) {
    const document_work *work = context;
    const sources *s = work->s;
    char *const *fact_ids = tn_table_texts(&s->facts, "customer_id");
    for (size_t r = from; r < to; r++) {
        const tn_customer_score *c = tn_score_find(&s->scores, fact_ids[r] ? fact_ids[r] : "");
        if (c == NULL)
            continue; /* caught below: some scored customer then has no facts */
        size_t i = (size_t)(c - s->scores.customers);
        /* daily[i] holds one array (the customer's one row), or none */
        tn_customer_facts facts = {&s->facts, r, work->opportunities[i], work->tickets[i],
                                   json_array_get(work->daily[i], 0)};
        if (!tn_serve_customer_build(&s->answers.context, &s->answers.answers[i], &facts,
                                     &work->snapshot->customers[i]))
            return false;
    }
    return true;
}

/* The history bodies of customers [from, to). */
static bool histories_in(void *context, size_t from, size_t to) {
    const document_work *work = context;
    const sources *s = work->s;
    for (size_t i = from; i < to; i++)
        if (!tn_body_from_json(tn_document_history(&s->answers.context, &s->answers.answers[i],
                                                   work->points[i], work->moves[i], s->recording),
                               &work->snapshot->customers[i].history))
            return false;
    return true;
}

/* Every customer's bodies, the customers split across the cores (common/parallel.h). */
static bool build_customers(tn_snapshot *snapshot, const sources *s, tn_error *err) {
    document_work work = {snapshot, s};
    work.opportunities = group_by_customer(s, &s->opportunities, tn_document_opportunity);
    work.tickets = group_by_customer(s, &s->tickets, tn_document_ticket);
    work.daily = group_by_customer(s, &s->daily, daily_counts);
    work.points = group_by_customer(s, &s->history, tn_trend_point);
    work.moves = group_by_customer(s, &s->moves, tn_trend_move);
    snapshot->customers = calloc(s->scores.count + 1, sizeof *snapshot->customers);
    bool ok = work.opportunities != NULL && work.tickets != NULL && work.daily != NULL &&
              work.points != NULL && work.moves != NULL && snapshot->customers != NULL;
    if (ok)
        snapshot->customer_count = s->scores.count;
    ok = ok && tn_parallel_for(s->facts.rows, 0, customers_in, &work) &&
         tn_parallel_for(snapshot->customer_count, 0, histories_in, &work);
    free_groups(work.opportunities, s->scores.count);
    free_groups(work.tickets, s->scores.count);
    free_groups(work.daily, s->scores.count);
    free_groups(work.points, s->scores.count);
    free_groups(work.moves, s->scores.count);
    if (!ok)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < snapshot->customer_count; i++)
        if (snapshot->customers[i].id == NULL)
            return tn_error_set(err, TN_ERR_INTERNAL,
                                "customer %s is scored but has no Customer 360 facts",
                                s->scores.customers[i].customer_id);
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
    const tn_ml_model *models[2] = {&s->churn, &s->expansion};
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
    return tn_body_from_json(
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:{s:o, s:o}, s:o}", "status", "ready",
                  "as_of", snapshot->as_of, "data_as_of", snapshot->data_as_of, "built_at",
                  snapshot->built_at, "loaded_at", loaded, "customers",
                  (json_int_t)snapshot->customer_count, "inactive_customers",
                  (json_int_t)snapshot->inactive_count, "models", "churn", model_json(&s->churn),
                  "expansion", model_json(&s->expansion), "warnings", warnings),
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
               tn_dashboard_portfolio(&s->answers, &s->inactive, &s->industries, reports_dir), 15,
               &snapshot->portfolio) &&
           tn_body_from_json_digits(tn_dashboard_models(&s->churn, &s->expansion, reports_dir,
                                                        snapshot->as_of, s->drift),
                                    15, &snapshot->models) &&
           tn_body_from_json_digits(json_incref(s->drift), 15, &snapshot->model_health) &&
           build_survival(snapshot, reports_dir) && tn_body_compress(&snapshot->portfolio) &&
           tn_body_compress(&snapshot->models) && tn_body_compress(&snapshot->model_health) &&
           tn_body_compress(&snapshot->survival);
}

static bool assemble(tn_snapshot *snapshot, sources *s, const tn_snapshot_source *source,
                     tn_error *err) {
    snprintf(snapshot->as_of, sizeof snapshot->as_of, "%s", info_text(s, "as_of"));
    snprintf(snapshot->data_as_of, sizeof snapshot->data_as_of, "%s", info_text(s, "data_as_of"));
    snprintf(snapshot->built_at, sizeof snapshot->built_at, "%s", info_text(s, "built_at"));
    snprintf(snapshot->churn_version, sizeof snapshot->churn_version, "%s", s->churn.version);
    snprintf(snapshot->expansion_version, sizeof snapshot->expansion_version, "%s",
             s->expansion.version);
    snapshot->loaded_at = (double)time(NULL);
    snapshot->plan = source->plan;
    snprintf(snapshot->risk_formula, sizeof snapshot->risk_formula, "%s", s->scores.risk_formula);
    tn_answer_context context;
    tn_answer_context_init(&context, snapshot->as_of, &s->churn, &s->expansion, &s->scores);
    context.churn_version = snapshot->churn_version; /* the snapshot's copies outlive `s` */
    context.expansion_version = snapshot->expansion_version;
    context.risk_formula = snapshot->risk_formula;
    context.survival = s->has_survival ? &s->survival : NULL;
    if (!tn_answers_build(&context, &s->scores, &s->answers, err) ||
        !build_customers(snapshot, s, err) ||
        !tn_movers_build(&s->answers, &s->movers, s->latest, source->movers_rise, &snapshot->movers,
                         err))
        return false;
    if (!build_inactive(snapshot, s) || !tn_snapshot_index(snapshot) ||
        !build_ready_body(snapshot, s) || !build_analytics(snapshot, s, source))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
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
        snapshot->read_seconds = read - started - s.health_seconds;
        snapshot->build_seconds = snapshot->load_seconds - (read - started);
    }
    return snapshot;
}
