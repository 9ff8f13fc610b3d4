/*
 * features.h — the models' features and how rows become model inputs.
 *
 * The churn model reads the 15 features of the data dictionary's
 * mart_customer_churn_features; the expansion model the same 15 and the 5
 * expansion signals of mart_customer_expansion_features. Numbers go in as
 * they are (NULL = missing, which XGBoost handles); booleans as 0/1;
 * categories one-hot, one column per category seen in the training data,
 * sorted, named "plan_tier=starter". A category the model never saw sets all
 * of its columns to 0 (the model metadata says so).
 */
#ifndef TN_ML_FEATURES_H
#define TN_ML_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "common/error.h"
#include "common/strbuf.h"
#include "warehouse/table.h"

typedef enum { TN_FEATURE_NUMBER, TN_FEATURE_BOOL, TN_FEATURE_CATEGORY } tn_feature_kind;

typedef struct {
    const char *name;
    tn_feature_kind kind;
} tn_feature_spec;

#define TN_CHURN_FEATURES 15
#define TN_EXPANSION_FEATURES 20

extern const tn_feature_spec tn_churn_features[TN_CHURN_FEATURES];
extern const tn_feature_spec tn_expansion_features[TN_EXPANSION_FEATURES];

/* `SELECT` list reading the features as DOUBLE (numbers, booleans) or VARCHAR (categories). */
void tn_features_select_list(const tn_feature_spec *specs, size_t count, tn_strbuf *out);

typedef struct {
    char *name;
    tn_feature_kind kind;
    char **categories; /* sorted; for TN_FEATURE_CATEGORY */
    size_t category_count;
    size_t first_column; /* its first model column */
} tn_encoded_feature;

/* How rows become model inputs; owns everything in it. */
typedef struct {
    tn_encoded_feature *features;
    size_t feature_count;
    char **column_names;
    size_t column_count;
} tn_encoder;

/* Learns the categories from `rows` (the training data). */
bool tn_encoder_fit(const tn_feature_spec *specs, size_t count, const tn_table *rows,
                    tn_encoder *out, tn_error *err);

/* Writes rows × column_count floats (NAN = missing). TN_ERR_INTERNAL if a feature column is absent.
 */
bool tn_encoder_encode(const tn_encoder *encoder, const tn_table *rows, float *matrix,
                       tn_error *err);

/* Where one feature's values are in a table: `texts` for a category, `numbers` otherwise; both
   NULL when the table lacks the column. Borrowed from the table. */
typedef struct {
    char *const *texts;
    const double *numbers;
} tn_feature_column;

/* Finds every feature's column in `rows` once: `out` has encoder->feature_count entries. */
void tn_encoder_columns(const tn_encoder *encoder, const tn_table *rows, tn_feature_column *out);

/*
 * Writes feature `f`'s value in `row` as text (for explanations) into `out` of `size` bytes,
 * cut to fit: "starter", "42", "0.57", "true"; "" when missing. A whole number below 1e15 is
 * written without decimals, any other number with 4 significant digits (printf's "%.4g").
 */
void tn_encoder_value_write(const tn_encoded_feature *f, const tn_feature_column *column,
                            size_t row, char *out, size_t size);

/* Adds a row's SHAP values of the columns of each feature: per-feature contributions. */
void tn_encoder_feature_contributions(const tn_encoder *encoder, const double *columns,
                                      double *features);

json_t *tn_encoder_to_json(const tn_encoder *encoder);
bool tn_encoder_from_json(const json_t *json, tn_encoder *out, tn_error *err);
void tn_encoder_free(tn_encoder *encoder);

#endif
