/*
 * features.c — feature lists, one-hot encoding and its JSON form (see features.h).
 */
#include "ml/features.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHURN_FEATURE_LIST                                                                         \
    {"mrr", TN_FEATURE_NUMBER}, {"tenure_days", TN_FEATURE_NUMBER},                                \
        {"plan_tier", TN_FEATURE_CATEGORY}, {"industry", TN_FEATURE_CATEGORY},                     \
        {"total_events", TN_FEATURE_NUMBER}, {"events_last_30d", TN_FEATURE_NUMBER},               \
        {"events_last_7d", TN_FEATURE_NUMBER}, {"avg_adoption_score", TN_FEATURE_NUMBER},          \
        {"days_since_last_event", TN_FEATURE_NUMBER},                                              \
        {"retention_signal_count", TN_FEATURE_NUMBER},                                             \
        {"integration_connects_first_30d", TN_FEATURE_NUMBER},                                     \
        {"tickets_last_30d", TN_FEATURE_NUMBER}, {"high_priority_tickets", TN_FEATURE_NUMBER},     \
        {"avg_resolution_hours", TN_FEATURE_NUMBER}, {                                             \
        "is_early_stage", TN_FEATURE_BOOL                                                          \
    }

const tn_feature_spec tn_churn_features[TN_CHURN_FEATURES] = {CHURN_FEATURE_LIST};

const tn_feature_spec tn_expansion_features[TN_EXPANSION_FEATURES] = {
    CHURN_FEATURE_LIST,
    {"premium_feature_trials_30d", TN_FEATURE_NUMBER},
    {"feature_request_tickets_90d", TN_FEATURE_NUMBER},
    {"has_open_expansion_opp", TN_FEATURE_BOOL},
    {"expansion_opp_amount", TN_FEATURE_NUMBER},
    {"mrr_tier_ceiling_pct", TN_FEATURE_NUMBER},
};

static const char *const kind_names[] = {"number", "bool", "category"};

void tn_features_select_list(const tn_feature_spec *specs, size_t count, tn_strbuf *out) {
    for (size_t f = 0; f < count; f++) {
        const char *cast = specs[f].kind == TN_FEATURE_CATEGORY ? "VARCHAR"
                           : specs[f].kind == TN_FEATURE_BOOL   ? "INTEGER::DOUBLE"
                                                                : "DOUBLE";
        tn_strbuf_printf(out, "%s\"%s\"::%s AS \"%s\"", f ? ", " : "", specs[f].name, cast,
                         specs[f].name);
    }
}

static int compare_strings(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The distinct non-NULL values of a text column, sorted (caller frees). */
static char **distinct_values(char *const *values, size_t n, size_t *count) {
    char **sorted = malloc((n + 1) * sizeof *sorted);
    size_t m = 0;
    for (size_t i = 0; sorted != NULL && i < n; i++)
        if (values[i] != NULL)
            sorted[m++] = values[i];
    if (sorted == NULL)
        return NULL;
    qsort(sorted, m, sizeof *sorted, compare_strings);
    size_t unique = 0;
    for (size_t i = 0; i < m; i++)
        if (unique == 0 || strcmp(sorted[unique - 1], sorted[i]) != 0)
            sorted[unique++] = sorted[i];
    for (size_t i = 0; i < unique; i++)
        if ((sorted[i] = strdup(sorted[i])) == NULL) { /* the copies so far, then the list */
            for (size_t j = 0; j < i; j++)
                free(sorted[j]);
            free(sorted);
            return NULL;
        }
    *count = unique;
    return sorted;
}

/* Names the columns once every feature's categories are known. */
static bool name_columns(tn_encoder *encoder) {
    size_t columns = 0;
    for (size_t f = 0; f < encoder->feature_count; f++) {
        tn_encoded_feature *feature = &encoder->features[f];
        feature->first_column = columns;
        columns += feature->kind == TN_FEATURE_CATEGORY ? feature->category_count : 1;
    }
    encoder->column_count = columns;
    encoder->column_names = calloc(columns + 1, sizeof *encoder->column_names);
    if (encoder->column_names == NULL)
        return false;
    for (size_t f = 0; f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        if (feature->kind != TN_FEATURE_CATEGORY) {
            encoder->column_names[feature->first_column] = strdup(feature->name);
            if (encoder->column_names[feature->first_column] == NULL)
                return false;
            continue;
        }
        for (size_t c = 0; c < feature->category_count; c++) {
            tn_strbuf name = TN_STRBUF_INIT;
            tn_strbuf_printf(&name, "%s=%s", feature->name, feature->categories[c]);
            encoder->column_names[feature->first_column + c] = tn_strbuf_detach(&name);
        }
    }
    return true;
}

bool tn_encoder_fit(const tn_feature_spec *specs, size_t count, const tn_table *rows,
                    tn_encoder *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    out->features = calloc(count, sizeof *out->features);
    if (out->features == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    out->feature_count = count;
    for (size_t f = 0; f < count; f++) {
        tn_encoded_feature *feature = &out->features[f];
        feature->name = strdup(specs[f].name);
        if (feature->name == NULL)
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory naming the features");
        feature->kind = specs[f].kind;
        if (feature->kind != TN_FEATURE_CATEGORY)
            continue;
        char *const *values = tn_table_texts(rows, specs[f].name);
        if (values == NULL)
            return tn_error_set(err, TN_ERR_INTERNAL, "no column '%s' to learn categories from",
                                specs[f].name);
        feature->categories = distinct_values(values, rows->rows, &feature->category_count);
        if (feature->categories == NULL)
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory for the categories of '%s'",
                                specs[f].name);
    }
    return name_columns(out) ? true : tn_error_set(err, TN_ERR_NOMEM, "out of memory");
}

static long category_index(const tn_encoded_feature *feature, const char *value) {
    if (value == NULL)
        return -1;
    size_t low = 0, high = feature->category_count;
    while (low < high) {
        size_t mid = (low + high) / 2;
        int order = strcmp(feature->categories[mid], value);
        if (order == 0)
            return (long)mid;
        if (order < 0)
            low = mid + 1;
        else
            high = mid;
    }
    return -1; /* a category the model never saw: all zeros */
}

bool tn_encoder_encode(const tn_encoder *encoder, const tn_table *rows, float *matrix,
                       tn_error *err) {
    size_t columns = encoder->column_count;
    for (size_t f = 0; f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        if (feature->kind == TN_FEATURE_CATEGORY) {
            char *const *values = tn_table_texts(rows, feature->name);
            if (values == NULL)
                return tn_error_set(err, TN_ERR_INTERNAL, "no text column '%s' to encode",
                                    feature->name);
            for (size_t r = 0; r < rows->rows; r++) {
                float *cells = matrix + r * columns + feature->first_column;
                for (size_t c = 0; c < feature->category_count; c++)
                    cells[c] = 0.0f;
                long index = category_index(feature, values[r]);
                if (index >= 0)
                    cells[index] = 1.0f;
            }
            continue;
        }
        const double *values = tn_table_numbers(rows, feature->name);
        if (values == NULL)
            return tn_error_set(err, TN_ERR_INTERNAL, "no number column '%s' to encode",
                                feature->name);
        for (size_t r = 0; r < rows->rows; r++)
            matrix[r * columns + feature->first_column] = isnan(values[r]) ? NAN : (float)values[r];
    }
    return true;
}

void tn_encoder_columns(const tn_encoder *encoder, const tn_table *rows, tn_feature_column *out) {
    for (size_t f = 0; f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        bool category = feature->kind == TN_FEATURE_CATEGORY;
        out[f].texts = category ? tn_table_texts(rows, feature->name) : NULL;
        out[f].numbers = category ? NULL : tn_table_numbers(rows, feature->name);
    }
}

/* `text` into `out` of `size` bytes, cut to fit. */
static void put_text(const char *text, char *out, size_t size) {
    if (size == 0)
        return;
    size_t length = strlen(text);
    length = length < size - 1 ? length : size - 1;
    memcpy(out, text, length);
    out[length] = '\0';
}

/* A whole number |value| < 1e15 in decimal, as "%.0f" writes it ("-0" for negative zero). */
static void write_whole(double value, char *out, size_t size) {
    char digits[24];
    size_t at = sizeof digits;
    unsigned long long magnitude = (unsigned long long)fabs(value);
    digits[--at] = '\0';
    do {
        digits[--at] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (signbit(value))
        digits[--at] = '-';
    put_text(digits + at, out, size);
}

void tn_encoder_value_write(const tn_encoded_feature *f, const tn_feature_column *column,
                            size_t row, char *out, size_t size) {
    if (f->kind == TN_FEATURE_CATEGORY) {
        const char *text = column->texts != NULL ? column->texts[row] : NULL;
        put_text(text != NULL ? text : "", out, size);
        return;
    }
    double value = column->numbers != NULL ? column->numbers[row] : NAN;
    if (isnan(value))
        put_text("", out, size);
    else if (f->kind == TN_FEATURE_BOOL)
        put_text(value != 0 ? "true" : "false", out, size);
    else if (value == floor(value) && fabs(value) < 1e15)
        write_whole(value, out, size);
    else
        snprintf(out, size, "%.4g", value);
}

void tn_encoder_feature_contributions(const tn_encoder *encoder, const double *columns,
                                      double *features) {
    for (size_t f = 0; f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        size_t width = feature->kind == TN_FEATURE_CATEGORY ? feature->category_count : 1;
        features[f] = 0;
        for (size_t c = 0; c < width; c++)
            features[f] += columns[feature->first_column + c];
    }
}

json_t *tn_encoder_to_json(const tn_encoder *encoder) {
    json_t *features = json_array(), *columns = json_array();
    for (size_t f = 0; f < encoder->feature_count; f++) {
        const tn_encoded_feature *feature = &encoder->features[f];
        json_t *entry =
            json_pack("{s:s, s:s}", "name", feature->name, "kind", kind_names[feature->kind]);
        if (feature->kind == TN_FEATURE_CATEGORY) {
            json_t *categories = json_array();
            for (size_t c = 0; c < feature->category_count; c++)
                json_array_append_new(categories, json_string(feature->categories[c]));
            json_object_set_new(entry, "categories", categories);
            json_object_set_new(entry, "unknown_category",
                                json_string("all of its one-hot columns are 0"));
        }
        json_array_append_new(features, entry);
    }
    for (size_t c = 0; c < encoder->column_count; c++)
        json_array_append_new(columns, json_string(encoder->column_names[c]));
    return json_pack("{s:o, s:o, s:s}", "features", features, "columns", columns, "missing",
                     "NULL numbers are missing values (XGBoost's default branch)");
}

bool tn_encoder_from_json(const json_t *json, tn_encoder *out, tn_error *err) {
    memset(out, 0, sizeof *out);
    const json_t *features = json_object_get(json, "features");
    if (!json_is_array(features) || json_array_size(features) == 0)
        return tn_error_set(err, TN_ERR_MODEL, "encoding.features is missing");
    out->feature_count = json_array_size(features);
    out->features = calloc(out->feature_count, sizeof *out->features);
    if (out->features == NULL)
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    for (size_t f = 0; f < out->feature_count; f++) {
        const json_t *entry = json_array_get(features, f);
        const char *name = json_string_value(json_object_get(entry, "name"));
        const char *kind = json_string_value(json_object_get(entry, "kind"));
        if (name == NULL || kind == NULL)
            return tn_error_set(err, TN_ERR_MODEL, "encoding.features[%zu] lacks a name or kind",
                                f);
        tn_encoded_feature *feature = &out->features[f];
        feature->name = strdup(name);
        if (feature->name == NULL)
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory reading the encoding");
        feature->kind = strcmp(kind, "category") == 0 ? TN_FEATURE_CATEGORY
                        : strcmp(kind, "bool") == 0   ? TN_FEATURE_BOOL
                                                      : TN_FEATURE_NUMBER;
        const json_t *categories = json_object_get(entry, "categories");
        feature->category_count = json_array_size(categories);
        feature->categories = calloc(feature->category_count + 1, sizeof *feature->categories);
        if (feature->categories == NULL)
            return tn_error_set(err, TN_ERR_NOMEM, "out of memory reading the encoding");
        for (size_t c = 0; c < feature->category_count; c++) {
            const char *category = json_string_value(json_array_get(categories, c));
            feature->categories[c] = category != NULL ? strdup(category) : NULL;
            if (feature->categories[c] == NULL)
                return tn_error_set(err, TN_ERR_MODEL, "encoding.features[%zu].categories[%zu]: %s",
                                    f, c, category != NULL ? "out of memory" : "not a string");
        }
    }
    if (!name_columns(out))
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    const json_t *columns = json_object_get(json, "columns");
    if (json_array_size(columns) != out->column_count)
        return tn_error_set(err, TN_ERR_MODEL, "encoding.columns does not match its features");
    return true;
}

void tn_encoder_free(tn_encoder *encoder) {
    for (size_t f = 0; encoder->features != NULL && f < encoder->feature_count; f++) {
        free(encoder->features[f].name);
        for (size_t c = 0; c < encoder->features[f].category_count; c++)
            free(encoder->features[f].categories[c]);
        free(encoder->features[f].categories);
    }
    for (size_t c = 0; encoder->column_names != NULL && c < encoder->column_count; c++)
        free(encoder->column_names[c]);
    free(encoder->features);
    free(encoder->column_names);
    memset(encoder, 0, sizeof *encoder);
}
