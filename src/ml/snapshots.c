/*
 * snapshots.c — evaluating the marts' SQL at every month start (see snapshots.h).
 */
#include "ml/snapshots.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "ml/features.h"
#include "warehouse/load_sql.h"
#include "warehouse/models.h"
#include "warehouse/table.h"
#include "warehouse/template.h"
#include "warehouse/value_text.h"

/* The month starts t with first signup < t and t + 90 days ≤ `until`. */
static bool snapshot_dates(tn_db *db, tn_day until, tn_snapshots *out, tn_error *err) {
    tn_table first = {0};
    bool ok = tn_table_query(db, tn_embedded_text("sql/ml/first_signup_day.sql"), &first, err);
    double day = ok && first.rows == 1 ? tn_table_numbers(&first, "day")[0] : 0;
    tn_table_free(&first);
    if (!ok)
        return false;
    if (day != day) /* NAN: no customers */
        return tn_error_set(err, TN_ERR_INPUT, "the warehouse has no customers to train on");
    out->dates = malloc(1024 * sizeof *out->dates);
    if (out->dates == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (tn_day t = tn_day_add_months(tn_day_month_start((tn_day)day), 1);
         t + TN_LABEL_DAYS <= until && out->count < 1024; t = tn_day_add_months(t, 1))
        out->dates[out->count++] = t;
    if (out->count == 0)
        return tn_error_set(err, TN_ERR_INPUT,
                            "no month start has a full 90-day label window before the as-of "
                            "date %s: too little history to train on",
                            tn_date_format(until, (char[TN_DATE_BUF]){0}));
    return true;
}

/* Renders model `name` of `layer` for one snapshot and runs `prefix` + it. */
static bool run_rendered(tn_db *db, const tn_model_set *models, tn_layer layer, const char *name,
                         const tn_template_var *vars, const tn_ref_override *overrides,
                         const char *prefix, tn_error *err) {
    long index = tn_models_find(models, layer, name);
    if (index < 0)
        return tn_error_set(err, TN_ERR_INTERNAL, "the SQL model '%s' is missing", name);
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_strbuf_puts(&sql, prefix);
    bool ok = tn_model_render_with(models, (size_t)index, vars, overrides, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&sql);
    return ok;
}

/*
 * One snapshot: the marts as of t into temporary tables, then its labelled
 * rows by `churn_into` and `expansion_into` ("CREATE ... AS" or "INSERT INTO").
 */
static bool build_snapshot(tn_db *db, const tn_model_set *models, tn_day t, tn_day data_as_of,
                           const char *churn_into, const char *expansion_into, tn_error *err) {
    char day[TN_DATE_BUF], data_day[TN_DATE_BUF];
    const tn_template_var vars[] = {{"as_of", tn_date_format(t, day)},
                                    {"data_as_of", tn_date_format(data_as_of, data_day)},
                                    {NULL, NULL}};
    const tn_ref_override overrides[] = {
        {"mart_customer_churn_features", "tn_snapshot_churn"},
        {"mart_customer_expansion_features", "tn_snapshot_expansion"},
        {NULL, NULL},
    };
    return run_rendered(db, models, TN_LAYER_MARTS, "mart_customer_churn_features", vars, overrides,
                        "CREATE OR REPLACE TEMP TABLE tn_snapshot_churn AS\n", err) &&
           run_rendered(db, models, TN_LAYER_MARTS, "mart_customer_expansion_features", vars,
                        overrides, "CREATE OR REPLACE TEMP TABLE tn_snapshot_expansion AS\n",
                        err) &&
           run_rendered(db, models, TN_LAYER_TRAINING, "churn_snapshot", vars, overrides,
                        churn_into, err) &&
           run_rendered(db, models, TN_LAYER_TRAINING, "expansion_snapshot", vars, overrides,
                        expansion_into, err);
}

/* The staging, mart and training models, loaded for rendering. */
static bool load_models(tn_model_set *models, tn_error *err) {
    const bool layers[TN_LAYER_COUNT] = {
        [TN_LAYER_STAGING] = true, [TN_LAYER_MARTS] = true, [TN_LAYER_TRAINING] = true};
    return tn_models_load(layers, models, err);
}

/*
 * Reads the rows of a training table, ordered by snapshot and customer, with
 * the features typed for the encoder; only snapshots up to `last` unless it
 * is TN_DAY_UNSET.
 */
static bool select_training(tn_db *db, const char *table, const tn_feature_spec *specs,
                            size_t count, tn_day last, tn_table *out, tn_error *err) {
    tn_strbuf features = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    tn_features_select_list(specs, count, &features);
    const tn_template_var vars[] = {
        {"table", table}, {"features", tn_strbuf_cstr(&features)}, {NULL, NULL}};
    char day[TN_DATE_BUF];
    const char *params[] = {last != TN_DAY_UNSET ? tn_date_format(last, day) : NULL};
    bool ok = tn_template_render_file("sql/ml/training_rows.sql", vars, &sql, err) &&
              tn_table_query_params(db, tn_strbuf_cstr(&sql), params, 1, out, err);
    tn_strbuf_free(&features);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_snapshots_read_table(tn_db *db, const char *table, const tn_feature_spec *specs,
                             size_t count, tn_table *out, tn_error *err) {
    return select_training(db, table, specs, count, TN_DAY_UNSET, out, err);
}

/* Writes a training table up to snapshot `last` to the CSV file `path`. */
static bool export_training(tn_db *db, const char *table, tn_day last, const char *path,
                            tn_error *err) {
    tn_strbuf last_literal = TN_STRBUF_INIT, path_literal = TN_STRBUF_INIT, sql = TN_STRBUF_INIT;
    tn_load_sql_string(&last_literal, tn_date_format(last, (char[TN_DATE_BUF]){0}));
    tn_load_sql_string(&path_literal, path);
    const tn_template_var vars[] = {{"table", table},
                                    {"last", tn_strbuf_cstr(&last_literal)},
                                    {"path", tn_strbuf_cstr(&path_literal)},
                                    {NULL, NULL}};
    bool ok = tn_template_render_file("sql/ml/export_training.sql", vars, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err);
    tn_strbuf_free(&last_literal);
    tn_strbuf_free(&path_literal);
    tn_strbuf_free(&sql);
    return ok;
}

/* Reads a training table back up to snapshot `last`, and exports it when `export_path` is set. */
static bool read_training(tn_db *db, const char *table, const tn_feature_spec *specs, size_t count,
                          tn_day last, tn_table *out, const char *export_path, tn_error *err) {
    return select_training(db, table, specs, count, last, out, err) &&
           (export_path == NULL || export_training(db, table, last, export_path, err));
}

bool tn_snapshots_prepare(tn_db *db, tn_day until, tn_day data_as_of, tn_snapshot_progress progress,
                          void *context, tn_error *err) {
    tn_snapshots dates = {0};
    tn_model_set models = {NULL, 0};
    bool ok = snapshot_dates(db, until, &dates, err) && load_models(&models, err);
    for (size_t i = 0; ok && i < dates.count; i++) {
        ok = build_snapshot(db, &models, dates.dates[i], data_as_of,
                            i == 0 ? "CREATE OR REPLACE TEMP TABLE tn_training_churn AS\n"
                                   : "INSERT INTO tn_training_churn\n",
                            i == 0 ? "CREATE OR REPLACE TEMP TABLE tn_training_expansion AS\n"
                                   : "INSERT INTO tn_training_expansion\n",
                            err);
        if (ok && progress != NULL)
            progress(context, i + 1, dates.count);
    }
    tn_models_free(&models);
    tn_snapshots_free(&dates);
    return ok;
}

bool tn_snapshots_read(tn_db *db, tn_day as_of, const char *export_dir, tn_snapshots *out,
                       tn_error *err) {
    memset(out, 0, sizeof *out);
    char churn_path[4200], expansion_path[4200];
    if (export_dir != NULL) {
        snprintf(churn_path, sizeof churn_path, "%s/churn_snapshots.csv", export_dir);
        snprintf(expansion_path, sizeof expansion_path, "%s/expansion_snapshots.csv", export_dir);
    }
    bool ok = snapshot_dates(db, as_of, out, err);
    tn_day last = ok ? out->dates[out->count - 1] : TN_DAY_UNSET;
    ok = ok &&
         read_training(db, "tn_training_churn", tn_churn_features, TN_CHURN_FEATURES, last,
                       &out->churn, export_dir != NULL ? churn_path : NULL, err) &&
         read_training(db, "tn_training_expansion", tn_expansion_features, TN_EXPANSION_FEATURES,
                       last, &out->expansion, export_dir != NULL ? expansion_path : NULL, err) &&
         tn_table_query(db, tn_embedded_text("sql/ml/churn_dates.sql"), &out->churn_dates, err);
    if (!ok)
        tn_snapshots_free(out);
    return ok;
}

/* An error unless `table` holds exactly the snapshot dates `expected` (exported rows). */
static bool same_dates(tn_db *db, const char *table, const char *what, const tn_snapshots *expected,
                       tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    tn_table days = {0};
    const tn_template_var vars[] = {{"table", table}, {NULL, NULL}};
    bool ok = tn_template_render_file("sql/ml/snapshot_days.sql", vars, &sql, err) &&
              tn_table_query(db, tn_strbuf_cstr(&sql), &days, err);
    const double *found = ok ? tn_table_numbers(&days, "day") : NULL;
    bool same = ok && days.rows == expected->count;
    for (size_t i = 0; same && i < days.rows; i++)
        same = found[i] == (double)expected->dates[i];
    char first[TN_DATE_BUF], last[TN_DATE_BUF];
    if (ok && !same)
        ok = tn_error_set(err, TN_ERR_INPUT,
                          "%s: the snapshot dates are not the %zu month starts from %s to %s "
                          "that 'tenure train' takes from staging.stg_customers and the as-of "
                          "date (the file has %zu dates)",
                          what, expected->count, tn_date_format(expected->dates[0], first),
                          tn_date_format(expected->dates[expected->count - 1], last), days.rows);
    tn_table_free(&days);
    tn_strbuf_free(&sql);
    return ok;
}

/* Copies the exported rows of `from` into the training table `into`, checked by same_dates. */
static bool adopt_one(tn_db *db, const char *from, const char *into, const char *what,
                      const tn_snapshots *dates, tn_error *err) {
    tn_strbuf sql = TN_STRBUF_INIT;
    const tn_template_var vars[] = {{"into", into}, {"from", from}, {NULL, NULL}};
    bool ok = tn_template_render_file("sql/ml/adopt_training.sql", vars, &sql, err) &&
              tn_db_exec(db, tn_strbuf_cstr(&sql), err) && same_dates(db, into, what, dates, err);
    tn_strbuf_free(&sql);
    return ok;
}

bool tn_snapshots_adopt(tn_db *db, tn_day until, const tn_snapshot_relations *from, tn_error *err) {
    tn_snapshots dates = {0};
    bool ok =
        snapshot_dates(db, until, &dates, err) &&
        adopt_one(db, from->churn, "tn_training_churn", from->churn_what, &dates, err) &&
        adopt_one(db, from->expansion, "tn_training_expansion", from->expansion_what, &dates, err);
    tn_snapshots_free(&dates);
    return ok;
}

bool tn_snapshots_build(tn_db *db, tn_day as_of, tn_day data_as_of, const char *export_dir,
                        tn_snapshot_progress progress, void *context, tn_snapshots *out,
                        tn_error *err) {
    memset(out, 0, sizeof *out);
    return tn_snapshots_prepare(db, as_of, data_as_of, progress, context, err) &&
           tn_snapshots_read(db, as_of, export_dir, out, err);
}

bool tn_snapshots_mart_at(tn_db *db, const char *mart, tn_day t, tn_day data_as_of,
                          const char *into, tn_error *err) {
    tn_model_set models = {NULL, 0};
    char day[TN_DATE_BUF], data_day[TN_DATE_BUF], prefix[256];
    const tn_template_var vars[] = {{"as_of", tn_date_format(t, day)},
                                    {"data_as_of", tn_date_format(data_as_of, data_day)},
                                    {NULL, NULL}};
    snprintf(prefix, sizeof prefix, "CREATE OR REPLACE TEMP TABLE %s AS\n", into);
    bool ok = load_models(&models, err) &&
              run_rendered(db, &models, TN_LAYER_MARTS, mart, vars, NULL, prefix, err);
    tn_models_free(&models);
    return ok;
}

bool tn_snapshots_at(tn_db *db, tn_day t, tn_day data_as_of, const char *churn_table,
                     const char *expansion_table, tn_error *err) {
    tn_model_set models = {NULL, 0};
    char churn_into[256], expansion_into[256];
    snprintf(churn_into, sizeof churn_into, "CREATE OR REPLACE TEMP TABLE %s AS\n", churn_table);
    snprintf(expansion_into, sizeof expansion_into, "CREATE OR REPLACE TEMP TABLE %s AS\n",
             expansion_table);
    bool ok = load_models(&models, err) &&
              build_snapshot(db, &models, t, data_as_of, churn_into, expansion_into, err);
    tn_models_free(&models);
    return ok;
}

void tn_snapshots_free(tn_snapshots *snapshots) {
    free(snapshots->dates);
    tn_table_free(&snapshots->churn);
    tn_table_free(&snapshots->expansion);
    tn_table_free(&snapshots->churn_dates);
    memset(snapshots, 0, sizeof *snapshots);
}
