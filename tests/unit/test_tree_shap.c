/*
 * test_tree_shap.c — ml/tree_shap.h's TreeSHAP tables against XGBoost's own
 * TreeSHAP (pred_contribs, the independent reference), on models of depth 3
 * (Tenure's), 6 and 10, with missing values, features split more than once
 * on a path and interactions, for the logistic and the Cox objective: every
 * value of every row agrees to float rounding, the bias included, and the
 * values add up to the margin. A model whose paths test more features than
 * the tables are made for is left to XGBoost. The predictions and margins
 * walked from the same trees are XGBoost's bit for bit.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "ml/xgb.h"

enum { ROWS = 3000, COLUMNS = 12 };

static float x[ROWS * COLUMNS], label[ROWS], survival_label[ROWS], coin[ROWS];

/* Uniform features, one in ten missing; the label needs x0 twice, x1·x2 and a little of the rest.
 */
static int setup(void **state) {
    (void)state;
    gsl_set_error_handler_off();
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    for (int r = 0; r < ROWS; r++) {
        float *row = x + r * COLUMNS;
        for (int c = 0; c < COLUMNS; c++)
            row[c] = gsl_rng_uniform(rng) < 0.1 ? NAN : (float)gsl_rng_uniform(rng);
        double v0 = isnan(row[0]) ? 0.5 : row[0], v1 = isnan(row[1]) ? 0.3 : row[1],
               v2 = isnan(row[2]) ? 0.6 : row[2];
        double score = (v0 > 0.3 && v0 < 0.7 ? 1.0 : -0.5) + 2.0 * v1 * v2 +
                       0.3 * (isnan(row[3]) ? 0 : row[3]) + gsl_ran_gaussian(rng, 0.5);
        label[r] = score > 0.6f;
        /* a time for the Cox objective: shorter with a higher score; one in four censored */
        double time = 1.0 + 100.0 * exp(-score) * gsl_rng_uniform_pos(rng);
        survival_label[r] = (float)(gsl_rng_uniform(rng) < 0.25 ? -time : time);
        coin[r] = gsl_rng_uniform(rng) < 0.5; /* nothing to learn: splits on every feature */
    }
    gsl_rng_free(rng);
    return 0;
}

/* A model of `depth` grown `rounds` rounds on every row, on `y` (label by default), logistic or
 * (cox) Cox. */
static void train_on(const float *y, int depth, int rounds, bool cox, tn_xgb *model) {
    tn_xgb_params params = tn_xgb_default_params();
    params.max_depth = depth;
    params.exact_rounds = rounds;
    params.min_child_weight = 0.01;
    params.subsample = 1.0;
    params.colsample = 1.0;
    if (cox) {
        params.objective = "survival:cox";
        params.eval_metric = "cox-nloglik";
        params.maximize = false;
    }
    tn_xgb_data data = {x, y != NULL ? y : cox ? survival_label : label, ROWS};
    tn_error err;
    if (!tn_xgb_train(&data, &data, COLUMNS, &params, model, NULL, NULL, &err))
        fail_msg("training: %s", err.message);
}

static void train(int depth, int rounds, bool cox, tn_xgb *model) {
    train_on(NULL, depth, rounds, cox, model);
}

/* Every value of the tables' answer is XGBoost's to float rounding; they add up to the margin. */
static void assert_same_as_xgboost(const tn_xgb *model) {
    assert_true(tn_xgb_has_shap_tables(model));
    static double fast[ROWS * (COLUMNS + 1)], reference[ROWS * (COLUMNS + 1)], margin[ROWS];
    tn_error err;
    assert_true(tn_xgb_contributions(model, x, ROWS, fast, &err));
    assert_true(tn_xgb_contributions_by_xgboost(model, x, ROWS, reference, &err));
    assert_true(tn_xgb_margin(model, x, ROWS, margin, &err));
    for (size_t i = 0; i < (size_t)ROWS * (COLUMNS + 1); i++) {
        if (fabs(fast[i] - reference[i]) > 2e-5 + 2e-5 * fabs(reference[i]))
            fail_msg("row %zu column %zu: tables %.9g, XGBoost %.9g", i / (COLUMNS + 1),
                     i % (COLUMNS + 1), fast[i], reference[i]);
    }
    for (size_t r = 0; r < ROWS; r++) {
        double sum = 0;
        for (size_t c = 0; c <= COLUMNS; c++)
            sum += fast[r * (COLUMNS + 1) + c];
        if (fabs(sum - margin[r]) > 1e-4 + 1e-5 * fabs(margin[r]))
            fail_msg("row %zu: values add up to %.9g, margin %.9g", r, sum, margin[r]);
    }
    /* the margins and values from the tables' trees are XGBoost's, to the last bit */
    static double value[ROWS], reference_margin[ROWS], reference_value[ROWS];
    assert_int_not_equal(model->own, TN_XGB_OWN_NONE);
    assert_true(tn_xgb_predict(model, x, ROWS, value, &err));
    assert_true(tn_xgb_predict_by_xgboost(model, x, ROWS, true, reference_margin, &err));
    assert_true(tn_xgb_predict_by_xgboost(model, x, ROWS, false, reference_value, &err));
    assert_memory_equal(margin, reference_margin, sizeof margin);
    assert_memory_equal(value, reference_value, sizeof value);
    /* and from the walk that makes the SHAP values too */
    static double explained[ROWS * (COLUMNS + 1)], value_too[ROWS], margin_too[ROWS];
    assert_true(tn_xgb_predict_explained(model, x, ROWS, value_too, margin_too, explained, &err));
    assert_memory_equal(margin_too, reference_margin, sizeof margin_too);
    assert_memory_equal(value_too, reference_value, sizeof value_too);
    assert_memory_equal(explained, fast, sizeof explained);
    /* one row alone (the server's case, on the calling thread) gives the same numbers */
    double one[COLUMNS + 1];
    assert_true(tn_xgb_contributions(model, x + 17 * COLUMNS, 1, one, &err));
    assert_memory_equal(one, fast + 17 * (COLUMNS + 1), sizeof one);
}

static void test_depth_3_logistic(void **state) {
    (void)state;
    tn_xgb model;
    train(3, 150, false, &model);
    assert_same_as_xgboost(&model);
    tn_xgb_free(&model);
}

static void test_depth_6_logistic(void **state) {
    (void)state;
    tn_xgb model;
    train(6, 40, false, &model);
    assert_same_as_xgboost(&model);
    tn_xgb_free(&model);
}

static void test_depth_3_cox(void **state) {
    (void)state;
    tn_xgb model;
    train(3, 60, true, &model);
    assert_same_as_xgboost(&model);
    tn_xgb_free(&model);
}

/* Nothing to learn from a label that never changes: trees of a single leaf, no split at all. */
static void test_trees_of_one_leaf(void **state) {
    (void)state;
    static float zeros[ROWS];
    tn_xgb model;
    train_on(zeros, 3, 5, false, &model);
    assert_same_as_xgboost(&model);
    tn_xgb_free(&model);
}

/* Saved and loaded, a model gets its tables again. */
static void test_loaded_model_has_tables(void **state) {
    (void)state;
    tn_xgb model, loaded;
    train(4, 30, false, &model);
    char path[64];
    snprintf(path, sizeof path, "/tmp/tenure-test-tree-shap-%d.json", (int)getpid());
    tn_error err;
    assert_true(tn_xgb_save(&model, path, &err));
    assert_true(tn_xgb_load(path, &loaded, &err));
    remove(path);
    assert_same_as_xgboost(&loaded);
    tn_xgb_free(&model);
    tn_xgb_free(&loaded);
}

/* Depth 12 on a coin toss: some path tests more than eight features; XGBoost answers. */
static void test_too_many_features_on_a_path_is_xgboosts(void **state) {
    (void)state;
    tn_xgb model;
    train_on(coin, 12, 3, false, &model);
    assert_false(tn_xgb_has_shap_tables(&model));
    static double via[ROWS * (COLUMNS + 1)], reference[ROWS * (COLUMNS + 1)];
    tn_error err;
    assert_true(tn_xgb_contributions(&model, x, ROWS, via, &err));
    assert_true(tn_xgb_contributions_by_xgboost(&model, x, ROWS, reference, &err));
    assert_memory_equal(via, reference, sizeof via);
    assert_int_equal(model.own, TN_XGB_OWN_NONE); /* without tables, predictions are XGBoost's */
    tn_xgb_free(&model);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_depth_3_logistic),
        cmocka_unit_test(test_depth_6_logistic),
        cmocka_unit_test(test_depth_3_cox),
        cmocka_unit_test(test_trees_of_one_leaf),
        cmocka_unit_test(test_loaded_model_has_tables),
        cmocka_unit_test(test_too_many_features_on_a_path_is_xgboosts),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
