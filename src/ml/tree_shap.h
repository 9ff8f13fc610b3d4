/*
 * tree_shap.h — exact TreeSHAP values of a shallow tree ensemble, from
 * tables made once per model.
 *
 * XGBoost's TreeSHAP (pred_contribs) walks every tree for every row,
 * extending and unwinding a path of weights at every node: at 50,000
 * customers it was 80 % of `tenure score` (35,788 customers × 455 trees).
 * Here the same values come from another arrangement of the same sum.
 *
 * A leaf whose root-to-leaf path tests d distinct features adds to each of
 * them an amount that depends on the row only through which of the path's
 * tests the row passes: a d-bit mask (a feature tested twice passes when it
 * passes both). For a leaf of value v, with z_j the share of the training
 * cover that follows the path at feature j (the product over its tests)
 * and o_j the mask's bit for j, feature k gets
 *
 *     v (o_k - z_k) sum over S within the other path features of
 *         |S|! (d - |S| - 1)! / d!  prod_{j in S} o_j  prod_{j not in S, j != k} z_j
 *
 * which is the Shapley value of the leaf's path-dependent expectation
 * (Lundberg et al. 2020, "From local explanations to global understanding
 * with explainable AI for trees", Algorithm 2; the sum is evaluated as the
 * coefficients of prod_j (o_j t + z_j)). Every (leaf, mask) pair is worked
 * out once when the model is loaded: 2^d rows of d numbers per leaf, 192
 * numbers for a depth-3 tree. A row then costs each tree's split tests and,
 * per leaf, a mask and d additions. The bias is each tree's expected value
 * plus the model's base margin.
 *
 * Made only for trees where the tables stay small (at most
 * TN_TREE_SHAP_MAX_FEATURES distinct features on any path, numeric splits,
 * one output); for others tn_tree_shap_build gives NULL and the caller asks
 * XGBoost. The values agree with XGBoost's to float rounding (XGBoost
 * computes in float, this in double): tests/unit/test_ml.c compares them.
 */
#ifndef TN_ML_TREE_SHAP_H
#define TN_ML_TREE_SHAP_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/* The most distinct features on one path the tables are made for (2^8 rows of 8 per leaf). */
#define TN_TREE_SHAP_MAX_FEATURES 8

typedef struct tn_tree_shap tn_tree_shap;

/*
 * Reads the trees of an XGBoost model saved as JSON (`json`, `length`
 * bytes, XGBoosterSaveModelToBuffer's "json" format) with `columns`
 * features and makes the tables into *out (free with tn_tree_shap_free).
 * *out is NULL, and true returned, when the model is not one the tables are
 * made for. A text that is not such a model is TN_ERR_MODEL.
 */
bool tn_tree_shap_build(const char *json, size_t length, size_t columns, tn_tree_shap **out,
                        tn_error *err);

/* The sum of the leaf values `row` (columns floats, NAN missing) reaches: its margin less the base.
 */
double tn_tree_shap_leaf_sum(const tn_tree_shap *shap, const float *row);

/*
 * The margins of `rows` rows of `x` into `out`, as XGBoost works them out:
 * `start` (the model's base margin, as a float) plus each tree's leaf value
 * in tree order, added in float. They equal XGBoost's own margins bit for
 * bit when `start` is right; ml/xgb.c finds `start` and checks that on probe
 * rows. Like XGBoost, it goes tree by tree over blocks of rows, so a tree's
 * nodes stay in the cache; rows are shared among the cores.
 */
void tn_tree_shap_margins(const tn_tree_shap *shap, float start, const float *x, size_t rows,
                          float *out);

/*
 * `rows` rows of made-up values into `out` (rows × columns floats) that go
 * both ways at the trees' splits: each value is missing, a split threshold of
 * its column, or the float just below one; chosen by a fixed sequence, so
 * the same model gives the same rows.
 */
bool tn_tree_shap_probe_rows(const tn_tree_shap *shap, size_t rows, float *out);

/* The model's base margin as the tables were made with it (tn_tree_shap_set_base). */
double tn_tree_shap_base(const tn_tree_shap *shap);

/* Sets the model's base margin (the margin less tn_tree_shap_leaf_sum, the same for every row). */
void tn_tree_shap_set_base(tn_tree_shap *shap, double base_margin);

/*
 * The SHAP values of `rows` rows of `x` into `out`: columns + 1 numbers a
 * row, the bias last, summing to the row's margin. Unless `margins` is
 * NULL, the rows' margins from `start` too, as tn_tree_shap_margins gives
 * them, from the same walk. Rows are shared among the machine's cores.
 */
void tn_tree_shap_contributions(const tn_tree_shap *shap, const float *x, size_t rows, double *out,
                                float start, float *margins);

void tn_tree_shap_free(tn_tree_shap *shap);

#endif
