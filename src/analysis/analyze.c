/*
 * analyze.c — reading the data, building the sections, writing the report
 * (see analyze.h).
 */
#include "analysis/analyze.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "analysis/markdown.h"
#include "analysis/sections.h"
#include "warehouse/table.h"
#include "common/embedded.h"
#include "common/file.h"
#include "tn_version.h"
#include "warehouse/build.h"
#include "warehouse/parquet_inputs.h"

/* The columns the sections read, by name; false (with err) when the SQL lacks one. */
static bool bind_columns(const tn_table *survival, const tn_table *upgrades, tn_analysis_data *data,
                         tn_error *err) {
    data->n = survival->rows;
    data->plan_tier = tn_table_texts(survival, "plan_tier");
    data->industry = tn_table_texts(survival, "industry");
    data->integration_bucket = tn_table_texts(survival, "integration_bucket");
    data->duration = tn_table_numbers(survival, "duration_days");
    data->event = tn_table_numbers(survival, "event");
    data->events_last_30d = tn_table_numbers(survival, "events_last_30d");
    data->avg_adoption_score = tn_table_numbers(survival, "avg_adoption_score");
    data->retention_signal_count = tn_table_numbers(survival, "retention_signal_count");
    data->high_priority_tickets = tn_table_numbers(survival, "high_priority_tickets");
    data->integration_connects_first_30d =
        tn_table_numbers(survival, "integration_connects_first_30d");
    data->signup_day = tn_table_numbers(survival, "signup_day");
    data->churn_day = tn_table_numbers(survival, "churn_day");
    data->upgrade_rows = upgrades->rows;
    data->upgraded = tn_table_numbers(upgrades, "upgraded");
    data->premium_feature_trials_30d = tn_table_numbers(upgrades, "premium_feature_trials_30d");
    const void *columns[] = {data->plan_tier,
                             data->industry,
                             data->integration_bucket,
                             data->duration,
                             data->event,
                             data->events_last_30d,
                             data->avg_adoption_score,
                             data->retention_signal_count,
                             data->high_priority_tickets,
                             data->integration_connects_first_30d,
                             data->signup_day,
                             data->churn_day,
                             data->upgraded,
                             data->premium_feature_trials_30d};
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++)
        if (columns[i] == NULL)
            return tn_error_set(err, TN_ERR_INTERNAL,
                                "sql/analysis: a column the analysis needs is missing");
    return true;
}

/* Notes every {"computable": false} inside `node` as a warning under `path`. */
static void collect_warnings(const json_t *node, const char *path, tn_analyze_result *result) {
    if (json_is_object(node)) {
        const json_t *flag = json_object_get(node, "computable");
        if (json_is_false(flag)) {
            result->not_computable++;
            tn_strbuf_printf(&result->warnings, "%s: not computable: %s\n", path,
                             json_string_value(json_object_get(node, "reason")));
            return;
        }
        const char *key;
        const json_t *value;
        json_object_foreach((json_t *)node, key, value) {
            char child[256];
            const char *name = json_string_value(json_object_get(value, "group"));
            snprintf(child, sizeof child, "%s.%s", path, key);
            collect_warnings(value, name != NULL ? name : child, result);
        }
    } else if (json_is_array(node)) {
        size_t i;
        const json_t *value;
        json_array_foreach(node, i, value) {
            char child[256];
            const char *name = json_string_value(json_object_get(value, "group"));
            if (name == NULL)
                name = json_string_value(json_object_get(value, "feature"));
            if (name != NULL)
                snprintf(child, sizeof child, "%s[%s]", path, name);
            else
                snprintf(child, sizeof child, "%s[%zu]", path, i);
            collect_warnings(value, child, result);
        }
    }
}

/* The whole document; NULL (with err) when a section could not be built. */
static json_t *build_document(const tn_analysis_data *data, const char *db_path, tn_error *err) {
    char as_of[TN_DATE_BUF];
    json_t *document =
        json_pack("{s:s, s:s, s:s, s:i}", "as_of", tn_date_format(data->as_of, as_of),
                  "generated_by", "tenure " TN_VERSION, "warehouse", db_path, "schema_version", 1);
    if (document == NULL) {
        tn_error_set(err, TN_ERR_NOMEM, "out of memory starting the analysis document");
        return NULL;
    }
    static const struct {
        const char *key;
        json_t *(*build)(const tn_analysis_data *, tn_error *);
    } sections[] = {
        {"population", tn_section_population},
        {"correlations", tn_section_correlations},
        {"kaplan_meier", tn_section_kaplan_meier},
        {"cox", tn_section_cox},
        {"integration_gate", tn_section_integration_gate},
        {"early_dropout", tn_section_early_dropout},
        {"cohort_retention", tn_section_cohort_retention},
        {"hazard", tn_section_hazard},
        {"upgrade_signal", tn_section_upgrade_signal},
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        tn_error section_err;
        tn_error_clear(&section_err);
        json_t *section = sections[i].build(data, &section_err);
        if (section == NULL) {
            /* jansson reports no reason: its only failure here is memory */
            if (section_err.code == TN_OK)
                tn_error_set(&section_err, TN_ERR_NOMEM, "out of memory");
            json_decref(document);
            tn_error_set(err, section_err.code, "analysis section %s: %s", sections[i].key,
                         section_err.message);
            return NULL;
        }
        json_object_set_new(document, sections[i].key, section);
    }
    return document;
}

static bool write_report(const char *dir, const json_t *document, tn_error *err) {
    if (!tn_file_make_dir("--out", dir, err))
        return false;
    char *json_text =
        json_dumps(document, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
    tn_strbuf markdown = TN_STRBUF_INIT;
    tn_analysis_markdown(document, &markdown);
    char json_path[4200], md_path[4200];
    snprintf(json_path, sizeof json_path, "%s/analysis.json", dir);
    snprintf(md_path, sizeof md_path, "%s/analysis.md", dir);
    bool ok = json_text != NULL &&
              tn_file_write_pair(json_path, json_text, strlen(json_text), md_path,
                                 markdown.data ? markdown.data : "", markdown.length, err);
    if (json_text == NULL)
        tn_error_set(err, TN_ERR_INTERNAL, "could not serialise the analysis");
    free(json_text);
    tn_strbuf_free(&markdown);
    return ok;
}

bool tn_analyze(const tn_analyze_options *options, tn_analyze_result *result, tn_error *err) {
    memset(result, 0, sizeof *result);
    tn_db *db = NULL;
    tn_table survival = {0}, upgrades = {0};
    tn_analysis_data data = {0};
    tn_day data_as_of;
    /* what the document names as its source: the warehouse, or the Parquet inputs */
    const char *source = options->parquet_dir != NULL ? options->parquet_dir : options->db_path;
    bool ok =
        (options->parquet_dir != NULL
             ? tn_parquet_inputs_open(":memory:", TN_DB_READ_WRITE, options->parquet_dir,
                                      TN_PARQUET_MARTS, &db, err)
             : tn_db_open(options->db_path, TN_DB_READ_ONLY, &db, err)) &&
        tn_build_info_dates(db, &data.as_of, &data_as_of, err) &&
        tn_table_query(db, tn_embedded_text("sql/analysis/survival_data.sql"), &survival, err) &&
        tn_table_query(db, tn_embedded_text("sql/analysis/upgrade_signal.sql"), &upgrades, err) &&
        bind_columns(&survival, &upgrades, &data, err);
    tn_db_close(db);
    json_t *document = ok ? build_document(&data, source, err) : NULL;
    ok = ok && document != NULL;
    if (ok) {
        result->sections = (int)json_object_size(document) - 4;
        result->customers = (int)data.n;
        collect_warnings(document, "analysis", result);
        ok = write_report(options->out_dir, document, err);
    }
    json_decref(document);
    tn_table_free(&survival);
    tn_table_free(&upgrades);
    return ok;
}
