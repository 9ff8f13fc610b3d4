/*
 * cmd_score.c — `tenure score`: churn and upgrade scores of active
 * customers with their three strongest SHAP drivers each, as CSV (for CRM
 * sync) or JSON, for one customer or all (see src/ml/score.h). Each row names
 * the account as people know it (name, owner, renewal_date, crm_id, right
 * after customer_id), empty or null when the data does not say.
 */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "common/file.h"
#include "common/json.h"
#include "common/log.h"
#include "ml/model_set.h"
#include "ml/score.h"
#include "warehouse/build.h"
#include "warehouse/table.h"

enum { SHOWN_DRIVERS = 3 };

static struct {
    const char *db_path, *models_dir, *customer, *format, *out;
    bool all;
} options;

static void set_defaults(void) {
    options.db_path = "data/warehouse.duckdb";
    options.models_dir = "models";
    options.customer = NULL;
    options.format = "csv";
    options.out = NULL;
    options.all = false;
}

static const tn_arg score_args[] = {
    {"db", TN_ARG_STRING, "FILE", "DuckDB warehouse (default data/warehouse.duckdb)",
     &options.db_path, 0, 0},
    {"models", TN_ARG_STRING, "DIR", "model directory (default models)", &options.models_dir, 0, 0},
    {"customer", TN_ARG_STRING, "ID", "score one customer", &options.customer, 0, 0},
    {"all", TN_ARG_FLAG, NULL, "score every active customer", &options.all, 0, 0},
    {"format", TN_ARG_STRING, "FMT", "csv or json (default csv)", &options.format, 0, 0},
    {"out", TN_ARG_STRING, "FILE",
     "write to FILE (a regular file, replaced whole) instead of stdout", &options.out, 0, 0},
    {NULL, TN_ARG_FLAG, NULL, NULL, NULL, 0, 0},
};

static void csv_number(FILE *out, double value, const char *format) {
    if (isfinite(value))
        fprintf(out, format, value);
}

/* `text` in double quotes, its quotes doubled (RFC 4180). */
static void csv_quoted(FILE *out, const char *text) {
    fputc('"', out);
    for (const char *c = text; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}

/* A text field, quoted when it holds a comma, a quote or a line break; NULL → empty. */
static void csv_text(FILE *out, const char *text) {
    if (text != NULL && strpbrk(text, ",\"\r\n") != NULL)
        csv_quoted(out, text);
    else if (text != NULL)
        fputs(text, out);
}

/* The drivers' values are always quoted ("12", "starter"). */
static void csv_drivers(FILE *out, const tn_driver *drivers) {
    for (int d = 0; d < SHOWN_DRIVERS; d++) {
        fprintf(out, ",%s,", drivers[d].feature ? drivers[d].feature : "");
        csv_quoted(out, drivers[d].value);
        fputc(',', out);
        if (drivers[d].feature)
            fprintf(out, "%.4f", drivers[d].impact);
    }
}

/* ",name,owner,renewal_date,crm_id" */
static void csv_account(FILE *out, const tn_customer_score *c) {
    const char *fields[4] = {c->name, c->owner, c->renewal_date, c->crm_id};
    for (int i = 0; i < 4; i++) {
        fputc(',', out);
        csv_text(out, fields[i]);
    }
}

static void write_csv_header(FILE *out) {
    fputs("customer_id,name,owner,renewal_date,crm_id,plan_tier,churn_probability,churn_risk_tier,"
          "upgrade_propensity,"
          "propensity_tier,target_tier,expected_arr_uplift,risk_score,compliance_gap_score,"
          "vendor_risk_flags,usage_decay_score,risk_score_formula",
          out);
    for (int kind = 0; kind < 2; kind++)
        for (int d = 1; d <= SHOWN_DRIVERS; d++)
            fprintf(out, ",%s_driver_%d,%s_driver_%d_value,%s_driver_%d_impact",
                    kind ? "upgrade" : "churn", d, kind ? "upgrade" : "churn", d,
                    kind ? "upgrade" : "churn", d);
    fputc('\n', out);
}

static void write_csv_row(FILE *out, const tn_customer_score *c, const char *risk_formula) {
    csv_text(out, c->customer_id);
    csv_account(out, c);
    fprintf(out, ",%s,%.6f,%s,", c->plan_tier, c->churn_probability,
            tn_risk_tier(c->churn_probability));
    if (c->expansion_candidate)
        fprintf(out, "%.6f,%s,%s,%.2f", c->upgrade_propensity, tn_risk_tier(c->upgrade_propensity),
                c->target_tier, c->expected_arr_uplift);
    else
        fputs(",,,", out);
    fputc(',', out);
    csv_number(out, c->risk_score, "%.6f");
    fputc(',', out);
    csv_number(out, c->compliance_gap_score, "%.4f");
    fputc(',', out);
    if (c->vendor_risk_flags >= 0)
        fprintf(out, "%d", c->vendor_risk_flags);
    fputc(',', out);
    csv_number(out, c->usage_decay_score, "%.4f");
    fputc(',', out);
    csv_text(out, risk_formula);
    csv_drivers(out, c->churn_drivers);
    if (c->expansion_candidate)
        csv_drivers(out, c->upgrade_drivers);
    else
        for (int field = 0; field < 3 * SHOWN_DRIVERS; field++) /* driver, value, impact: empty */
            fputc(',', out);
    fputc('\n', out);
}

static json_t *drivers_json(const tn_driver *drivers) {
    json_t *list = json_array();
    for (int d = 0; d < SHOWN_DRIVERS && drivers[d].feature != NULL; d++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:o}", "feature", drivers[d].feature,
                                              "value", drivers[d].value, "shap_impact",
                                              tn_json_real(drivers[d].impact)));
    return list;
}

static json_t *customer_json(const tn_customer_score *c, const char *risk_formula) {
    json_t *upgrade =
        c->expansion_candidate
            ? json_pack("{s:o, s:s, s:s, s:o, s:o}", "propensity",
                        tn_json_real(c->upgrade_propensity), "propensity_tier",
                        tn_risk_tier(c->upgrade_propensity), "target_tier", c->target_tier,
                        "expected_arr_uplift", tn_json_real(c->expected_arr_uplift), "drivers",
                        drivers_json(c->upgrade_drivers))
            : json_pack("{s:n, s:s}", "propensity", "reason",
                        "already upgraded: not an expansion candidate");
    return json_pack(
        "{s:s, s:s?, s:s?, s:s?, s:s?, s:s, s:{s:o, s:s, s:o}, s:o, s:{s:o, s:s, s:o, s:o, s:o}}",
        "customer_id", c->customer_id, "name", c->name, "owner", c->owner, "renewal_date",
        c->renewal_date[0] ? c->renewal_date : NULL, "crm_id", c->crm_id, "plan_tier", c->plan_tier,
        "churn", "probability", tn_json_real(c->churn_probability), "risk_tier",
        tn_risk_tier(c->churn_probability), "drivers", drivers_json(c->churn_drivers), "upgrade",
        upgrade, "risk", "risk_score", tn_json_real(c->risk_score), "formula", risk_formula,
        "compliance_gap_score", tn_json_real(c->compliance_gap_score), "vendor_risk_flags",
        c->vendor_risk_flags >= 0 ? json_integer(c->vendor_risk_flags) : json_null(),
        "usage_decay_score", tn_json_real(c->usage_decay_score));
}

/* Why a customer is not in the scores: unknown, or churned on a date. */
static void explain_missing(tn_db *db, const char *id) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, "SELECT strftime(churn_date, '%Y-%m-%d') AS churned FROM "
                         "staging.stg_customers WHERE customer_id = '");
    for (const char *c = id; *c; c++)
        tn_strbuf_append(&sql, *c == '\'' ? "''" : c, *c == '\'' ? 2 : 1);
    tn_strbuf_puts(&sql, "'");
    tn_table row = {0};
    tn_error err;
    bool found = tn_table_query(db, tn_strbuf_cstr(&sql), &row, &err) && row.rows > 0;
    char *const *churned = found ? tn_table_texts(&row, "churned") : NULL;
    if (!found)
        tn_log_error("score: --customer %s: no such customer", id);
    else if (churned != NULL && churned[0] != NULL)
        tn_log_error("score: --customer %s churned on %s: only active customers are scored", id,
                     churned[0]);
    else
        tn_log_error("score: --customer %s is not active at the warehouse's as-of date", id);
    tn_table_free(&row);
    tn_strbuf_free(&sql);
}

static bool write_scores(FILE *out, const tn_score_set *scores, const tn_customer_score *one,
                         const char *as_of, const char *versions[2]) {
    bool json = strcmp(options.format, "json") == 0;
    if (!json) {
        write_csv_header(out);
        for (size_t i = 0; i < scores->count; i++)
            if (one == NULL || &scores->customers[i] == one)
                write_csv_row(out, &scores->customers[i], scores->risk_formula);
        return !ferror(out);
    }
    json_t *document;
    if (one != NULL) {
        document = customer_json(one, scores->risk_formula);
    } else {
        json_t *list = json_array();
        for (size_t i = 0; i < scores->count; i++)
            json_array_append_new(list, customer_json(&scores->customers[i], scores->risk_formula));
        document = json_pack("{s:o}", "customers", list);
    }
    json_object_set_new(document, "as_of", json_string(as_of));
    json_object_set_new(document, "model_versions",
                        json_pack("{s:s, s:s}", "churn", versions[0], "expansion", versions[1]));
    bool ok = json_dumpf(document, out,
                         JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(8)) == 0;
    fputc('\n', out);
    json_decref(document);
    return ok && !ferror(out);
}

/* The scores to --out (through a temporary file renamed into place) or to stdout. */
static bool write_output(const tn_score_set *scores, const tn_customer_score *one,
                         const char *as_of, const char *versions[2], tn_error *err) {
    if (options.out == NULL)
        return write_scores(stdout, scores, one, as_of, versions) ||
               tn_error_set(err, TN_ERR_IO, "stdout: %s", strerror(errno));
    tn_file_out file;
    if (!tn_file_out_open(&file, options.out, err))
        return false;
    if (write_scores(file.stream, scores, one, as_of, versions))
        return tn_file_out_commit(&file, err);
    tn_error_set(err, TN_ERR_IO, "%s: %s", options.out, strerror(errno));
    tn_file_out_abandon(&file);
    return false;
}

static int check_options(void) {
    if ((options.customer != NULL) == options.all) {
        tn_log_error("score: give exactly one of --customer ID and --all");
        return 2;
    }
    if (strcmp(options.format, "csv") != 0 && strcmp(options.format, "json") != 0) {
        tn_log_error("score: --format: expected csv or json, got '%s'", options.format);
        return 1;
    }
    tn_error err;
    if (options.out != NULL && !tn_file_check_target(options.out, &err)) {
        tn_log_error("score: --out %s", err.message); /* before the work, not after */
        return 1;
    }
    return 0;
}

static int run_score(int positional_count, char **positional) {
    (void)positional_count;
    (void)positional;
    int status = check_options();
    if (status != 0)
        return status;
    tn_error err;
    tn_error_clear(&err);
    tn_db *db = NULL;
    tn_ml_model churn = {0}, expansion = {0};
    tn_score_set scores = {0};
    tn_day as_of, data_as_of;
    double started = tn_log_now();
    bool ok = tn_db_open(options.db_path, TN_DB_READ_ONLY, &db, &err) &&
              tn_build_info_dates(db, &as_of, &data_as_of, &err) &&
              tn_model_set_load(options.models_dir, &churn, &expansion, &err) &&
              tn_score_all(db, &churn, &expansion, &scores, &err);
    const tn_customer_score *one = NULL;
    if (ok && options.customer != NULL &&
        (one = tn_score_find(&scores, options.customer)) == NULL) {
        explain_missing(db, options.customer);
        status = 1;
    } else if (!ok) {
        tn_log_error("score: %s", err.message);
        status = tn_error_exit_status(&err);
    } else {
        char day[TN_DATE_BUF];
        const char *versions[2] = {churn.version, expansion.version};
        if (!write_output(&scores, one, tn_date_format(as_of, day), versions, &err)) {
            tn_log_error("score: %s%s", options.out != NULL ? "--out " : "", err.message);
            status = 1;
        } else {
            tn_log_info("score: %zu customer%s in %.2f s", one ? 1 : scores.count,
                        one || scores.count == 1 ? "" : "s", tn_log_now() - started);
        }
    }
    tn_score_set_free(&scores);
    tn_ml_model_free(&churn);
    tn_ml_model_free(&expansion);
    tn_db_close(db);
    return status;
}

const tn_command tn_cmd_score = {
    .summary = "churn and upgrade scores with their SHAP drivers",
    .description = "Scores the customers active at the warehouse's as-of date with the churn and\n"
                   "expansion models of the current model set (models/current). CSV (one row per\n"
                   "customer, for CRM sync) or JSON. Each row names the account: name, owner,\n"
                   "renewal_date and crm_id (empty when the data lacks them).",
    .spec = {.command = "score", .args = score_args},
    .set_defaults = set_defaults,
    .run = run_score,
};
