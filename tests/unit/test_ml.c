/*
 * test_ml.c — the model machinery on problems with a known answer: a label
 * that is a function of one feature (AUC 1, that feature first by SHAP),
 * SHAP additivity (contributions + bias = margin on every row), a save/load
 * round trip giving identical predictions, the one-hot encoding (unknown
 * categories → all zeros) and its JSON form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "fixture.h"
#include "ml/features.h"
#include "ml/model.h"
#include "ml/xgb.h"
#include "stats/metrics.h"

enum { ROWS = 2000, COLUMNS = 3 };

static float x[ROWS * COLUMNS], label[ROWS];

/*
 * x0 on a grid of twenty values (so the hist method can split exactly between
 * them), x1 and x2 noise; label = x0 ≥ 0.5. Train on even rows, check on odd.
 */
static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    for (int r = 0; r < ROWS; r++) {
        for (int c = 0; c < COLUMNS; c++)
            x[r * COLUMNS + c] = (float)gsl_rng_uniform(rng);
        x[r * COLUMNS] = (float)gsl_rng_uniform_int(rng, 20) / 20.0f;
        label[r] = x[r * COLUMNS] >= 0.5f;
    }
    gsl_rng_free(rng);
    return 0;
}

static void halves(float *train_x, float *train_y, float *test_x, float *test_y) {
    for (int r = 0; r < ROWS; r++) {
        float *xs = r % 2 ? test_x : train_x, *ys = r % 2 ? test_y : train_y;
        memcpy(xs + (r / 2) * COLUMNS, x + r * COLUMNS, COLUMNS * sizeof(float));
        ys[r / 2] = label[r];
    }
}

static bool train_known_answer(tn_xgb *model, float *test_x, float *test_y) {
    static float train_x[ROWS / 2 * COLUMNS], train_y[ROWS / 2];
    halves(train_x, train_y, test_x, test_y);
    tn_xgb_data train = {train_x, train_y, ROWS / 2}, valid = {test_x, test_y, ROWS / 2};
    tn_xgb_params params = tn_xgb_default_params();
    tn_error err;
    if (!tn_xgb_train(&train, &valid, COLUMNS, &params, model, NULL, NULL, &err)) {
        fprintf(stderr, "%s\n", err.message);
        return false;
    }
    return true;
}

static void test_deterministic_label_is_learned_and_explained(void **state) {
    (void)state;
    static float test_x[ROWS / 2 * COLUMNS], test_y[ROWS / 2];
    tn_xgb model;
    assert_true(train_known_answer(&model, test_x, test_y));
    static double p[ROWS / 2], shap[ROWS / 2 * (COLUMNS + 1)];
    static int y[ROWS / 2];
    assert_true(tn_xgb_predict(&model, test_x, ROWS / 2, p, NULL));
    for (int r = 0; r < ROWS / 2; r++)
        y[r] = test_y[r] > 0.5f;
    double auc;
    assert_true(tn_auc(p, y, ROWS / 2, &auc, NULL));
    assert_close(auc, 1.0, "AUC of a deterministic label");
    assert_true(tn_xgb_contributions(&model, test_x, ROWS / 2, shap, NULL));
    double mean_abs[COLUMNS] = {0};
    for (int r = 0; r < ROWS / 2; r++)
        for (int c = 0; c < COLUMNS; c++)
            mean_abs[c] += fabs(shap[r * (COLUMNS + 1) + c]);
    assert_true(mean_abs[0] > 10 * mean_abs[1] && mean_abs[0] > 10 * mean_abs[2]);
    tn_xgb_free(&model);
}

static void test_shap_adds_up_to_the_margin(void **state) {
    (void)state;
    static float test_x[ROWS / 2 * COLUMNS], test_y[ROWS / 2];
    tn_xgb model;
    assert_true(train_known_answer(&model, test_x, test_y));
    static double margin[ROWS / 2], shap[ROWS / 2 * (COLUMNS + 1)];
    assert_true(tn_xgb_margin(&model, test_x, ROWS / 2, margin, NULL));
    assert_true(tn_xgb_contributions(&model, test_x, ROWS / 2, shap, NULL));
    for (int r = 0; r < ROWS / 2; r++) {
        double sum = 0;
        for (int c = 0; c <= COLUMNS; c++) /* the bias is the last column */
            sum += shap[r * (COLUMNS + 1) + c];
        if (fabs(sum - margin[r]) > 1e-4)
            fail_msg("row %d: SHAP sums to %.6f, margin %.6f", r, sum, margin[r]);
    }
    tn_xgb_free(&model);
}

static void test_save_load_gives_identical_predictions(void **state) {
    (void)state;
    static float test_x[ROWS / 2 * COLUMNS], test_y[ROWS / 2];
    tn_xgb model, loaded;
    assert_true(train_known_answer(&model, test_x, test_y));
    char path[64];
    snprintf(path, sizeof path, "/tmp/tenure-test-ml-%d.json", (int)getpid());
    assert_true(tn_xgb_save(&model, path, NULL));
    assert_true(tn_xgb_load(path, &loaded, NULL));
    assert_int_equal(loaded.columns, COLUMNS);
    static double before[ROWS / 2], after[ROWS / 2];
    assert_true(tn_xgb_predict(&model, test_x, ROWS / 2, before, NULL));
    assert_true(tn_xgb_predict(&loaded, test_x, ROWS / 2, after, NULL));
    assert_memory_equal(before, after, sizeof before);
    unlink(path);
    tn_xgb_free(&model);
    tn_xgb_free(&loaded);
}

static void test_missing_and_corrupt_model_files(void **state) {
    (void)state;
    tn_xgb model;
    tn_error err;
    assert_false(tn_xgb_load("/nonexistent/churn.json", &model, &err));
    assert_int_equal(err.code, TN_ERR_MODEL);
    assert_non_null(strstr(err.message, "/nonexistent/churn.json: no such model file"));
    char path[64];
    snprintf(path, sizeof path, "/tmp/tenure-test-corrupt-%d.json", (int)getpid());
    FILE *file = fopen(path, "w");
    fputs("{\"learner\": {\"broken", file);
    fclose(file);
    assert_false(tn_xgb_load(path, &model, &err));
    assert_non_null(strstr(err.message, "not a readable XGBoost model"));
    unlink(path);
}

/* A two-row table: plan_tier and mrr. */
static void make_table(tn_table *t, const char *tier0, const char *tier1) {
    memset(t, 0, sizeof *t);
    t->rows = 2;
    t->columns = 2;
    t->names = calloc(2, sizeof *t->names);
    t->is_text = calloc(2, sizeof *t->is_text);
    t->numbers = calloc(2, sizeof *t->numbers);
    t->texts = calloc(2, sizeof *t->texts);
    t->names[0] = strdup("plan_tier"), t->names[1] = strdup("mrr");
    t->is_text[0] = true;
    t->texts[0] = calloc(2, sizeof(char *));
    t->texts[0][0] = tier0 ? strdup(tier0) : NULL;
    t->texts[0][1] = tier1 ? strdup(tier1) : NULL;
    t->numbers[1] = malloc(2 * sizeof(double));
    t->numbers[1][0] = 1250, t->numbers[1][1] = NAN;
}

static void test_one_hot_encoding(void **state) {
    (void)state;
    const tn_feature_spec specs[] = {{"plan_tier", TN_FEATURE_CATEGORY},
                                     {"mrr", TN_FEATURE_NUMBER}};
    tn_table training, serving;
    make_table(&training, "starter", "growth");
    make_table(&serving, "gold", NULL); /* a tier never seen, and a missing one */
    tn_encoder encoder;
    assert_true(tn_encoder_fit(specs, 2, &training, &encoder, NULL));
    assert_int_equal(encoder.column_count, 3);
    assert_string_equal(encoder.column_names[0], "plan_tier=growth"); /* sorted */
    assert_string_equal(encoder.column_names[1], "plan_tier=starter");
    assert_string_equal(encoder.column_names[2], "mrr");
    float m[6];
    assert_true(tn_encoder_encode(&encoder, &training, m, NULL));
    assert_true(m[0] == 0 && m[1] == 1 && m[2] == 1250); /* starter */
    assert_true(m[3] == 1 && m[4] == 0 && isnan(m[5]));  /* growth, missing MRR */
    assert_true(tn_encoder_encode(&encoder, &serving, m, NULL));
    assert_true(m[0] == 0 && m[1] == 0); /* unknown: all zeros */
    assert_true(m[3] == 0 && m[4] == 0);

    json_t *json = tn_encoder_to_json(&encoder);
    tn_encoder back;
    assert_true(tn_encoder_from_json(json, &back, NULL));
    assert_int_equal(back.column_count, 3);
    for (size_t c = 0; c < 3; c++)
        assert_string_equal(back.column_names[c], encoder.column_names[c]);
    double columns[4] = {0.25, -0.5, 2.0, 9.0}, features[2];
    tn_encoder_feature_contributions(&back, columns, features);
    assert_close(features[0], -0.25, "one-hot columns add up to their feature");
    assert_close(features[1], 2.0, "a number is its own column");
    json_decref(json);
    tn_encoder_free(&encoder);
    tn_encoder_free(&back);
    tn_table_free(&training);
    tn_table_free(&serving);
}

/* The value texts of the drivers: expected texts written out by hand from the rule in features.h
   (whole numbers below 1e15 without decimals, as "%.0f"; the rest with 4 significant digits). */
static void test_value_texts(void **state) {
    (void)state;
    const tn_encoded_feature number = {.name = "mrr", .kind = TN_FEATURE_NUMBER};
    const tn_encoded_feature flag = {.name = "is_early_stage", .kind = TN_FEATURE_BOOL};
    const tn_encoded_feature category = {.name = "plan_tier", .kind = TN_FEATURE_CATEGORY};
    const double numbers[] = {42,           -7,  0.0, -0.0, 999999999999999, 1e15, 0.41271, 1234.5,
                              -0.000123456, NAN, 1,   0};
    const char *expected[] = {"42",    "-7",     "0",    "-0",         "999999999999999",
                              "1e+15", "0.4127", "1234", "-0.0001235", ""};
    const tn_feature_column numeric = {NULL, numbers};
    char text[40];
    for (size_t r = 0; r < sizeof expected / sizeof expected[0]; r++) {
        tn_encoder_value_write(&number, &numeric, r, text, sizeof text);
        assert_string_equal(text, expected[r]);
    }
    tn_encoder_value_write(&flag, &numeric, 10, text, sizeof text);
    assert_string_equal(text, "true");
    tn_encoder_value_write(&flag, &numeric, 11, text, sizeof text);
    assert_string_equal(text, "false");
    tn_encoder_value_write(&flag, &numeric, 9, text, sizeof text);
    assert_string_equal(text, "");                         /* a missing flag */
    tn_encoder_value_write(&number, &numeric, 4, text, 6); /* cut to the buffer */
    assert_string_equal(text, "99999");
    char *tiers[] = {"enterprise", NULL};
    const tn_feature_column texts = {tiers, NULL};
    tn_encoder_value_write(&category, &texts, 0, text, sizeof text);
    assert_string_equal(text, "enterprise");
    tn_encoder_value_write(&category, &texts, 1, text, sizeof text);
    assert_string_equal(text, "");
    const tn_feature_column absent = {NULL, NULL};
    tn_encoder_value_write(&number, &absent, 0, text, sizeof text);
    assert_string_equal(text, ""); /* a column the table lacks */
    tn_encoder_value_write(&category, &absent, 0, text, sizeof text);
    assert_string_equal(text, "");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deterministic_label_is_learned_and_explained),
        cmocka_unit_test(test_shap_adds_up_to_the_margin),
        cmocka_unit_test(test_save_load_gives_identical_predictions),
        cmocka_unit_test(test_missing_and_corrupt_model_files),
        cmocka_unit_test(test_one_hot_encoding),
        cmocka_unit_test(test_value_texts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
