/*
 * tree_shap.c — TreeSHAP from per-leaf tables (see tree_shap.h).
 */
#include "ml/tree_shap.h"

#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/alloc.h"
#include "common/parallel.h"

/* Trees with more nodes than this, or tables bigger in all, are left to XGBoost. */
enum { MAX_NODES = 1024 };
#define MAX_TABLE_NUMBERS (1u << 24)

/* One node of one tree (children are the tree's own node numbers; -1 for a leaf). */
typedef struct {
    int left, right;
    int feature;
    float threshold;
    bool default_left;
    double value; /* a leaf's */
    double cover;
} node;

/* One test on a leaf's path: node `node` sends the row to `left`; the test is of feature `slot`. */
typedef struct {
    uint16_t node;
    uint8_t left;
    uint8_t slot;
} path_test;

/* One leaf: its tests, its distinct features and its table of 2^d rows of d numbers. */
typedef struct {
    uint32_t first_test, tests;
    uint32_t first_feature;
    uint32_t table; /* offset into tn_tree_shap.numbers */
    uint8_t features;
} leaf;

/*
 * One tree. A tree of at most PATTERN_NODES splits also has one table for
 * the whole tree, indexed by which way the row goes at each split (2^splits
 * rows of one number per feature the tree tests): a row then costs a lookup
 * instead of a pass over the leaves. Tenure's depth-3 trees have 7 splits,
 * so 128 rows.
 */
enum { PATTERN_NODES = 10 };

typedef struct {
    uint32_t first_node, nodes;
    uint32_t first_leaf, leaves;
    double expected;                    /* the tree's mean over the training cover */
    bool patterned;                     /* has the whole-tree table */
    uint8_t splits;                     /* its split nodes, ... */
    uint8_t features;                   /* ... and the features they test */
    uint16_t split_node[PATTERN_NODES]; /* the split nodes, bit i of the pattern for the i-th */
    uint16_t feature[PATTERN_NODES];    /* column of each of the table's numbers in a row */
    uint32_t table;                     /* offset into tn_tree_shap.numbers */
    uint32_t leaf_values;               /* offset into tn_tree_shap.pattern_leaves */
} tree;

/* Everything is owned by the struct, in arrays grown while reading. */
struct tn_tree_shap {
    size_t columns;
    double base;
    tree *trees;
    size_t tree_count;
    node *nodes;
    size_t node_count;
    leaf *leaves;
    size_t leaf_count;
    path_test *tests;
    size_t test_count;
    uint16_t *features;
    size_t feature_count;
    double *numbers;
    size_t number_count;
    float *pattern_leaves; /* per patterned tree, the leaf value each pattern reaches */
    size_t pattern_leaf_count, pattern_leaf_capacity;
};

/*
 * Grows *array (of `size`-byte items, *count used) to hold `more` more; false when it cannot.
 * Never leaves it NULL, even for none more (a tree of one leaf adds no tests or numbers).
 */
static bool reserve(void **array, size_t size, size_t count, size_t more, size_t *capacity) {
    if (count + more <= *capacity && *array != NULL)
        return true;
    size_t grown = *capacity ? *capacity : 64;
    while (grown < count + more)
        grown *= 2;
    void *bigger = realloc(*array, grown * size);
    if (bigger == NULL)
        return false;
    *array = bigger;
    *capacity = grown;
    return true;
}

void tn_tree_shap_free(tn_tree_shap *shap) {
    if (shap == NULL)
        return;
    free(shap->trees);
    free(shap->nodes);
    free(shap->leaves);
    free(shap->tests);
    free(shap->features);
    free(shap->numbers);
    free(shap->pattern_leaves);
    free(shap);
}

/* ---- reading the model --------------------------------------------------------------------- */

/* array[i] as a number (XGBoost writes integers, floats and, for default_left, 0/1 or booleans). */
static double number_at(const json_t *array, size_t i) {
    const json_t *value = json_array_get(array, i);
    return json_is_boolean(value) ? (json_is_true(value) ? 1 : 0) : json_number_value(value);
}

/* The nodes of one tree, appended; false when the tree is not one the tables are made for. */
static bool read_tree(const json_t *json, size_t columns, node *nodes, size_t *count) {
    const json_t *left = json_object_get(json, "left_children"),
                 *right = json_object_get(json, "right_children"),
                 *feature = json_object_get(json, "split_indices"),
                 *condition = json_object_get(json, "split_conditions"),
                 *default_left = json_object_get(json, "default_left"),
                 *cover = json_object_get(json, "sum_hessian"),
                 *split_type = json_object_get(json, "split_type");
    size_t n = json_array_size(left);
    if (n == 0 || n > MAX_NODES || json_array_size(right) != n || json_array_size(feature) != n ||
        json_array_size(condition) != n || json_array_size(default_left) != n ||
        json_array_size(cover) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        node *d = &nodes[i];
        d->left = (int)number_at(left, i);
        d->right = (int)number_at(right, i);
        d->feature = (int)number_at(feature, i);
        d->threshold = (float)number_at(condition, i);
        d->value = (float)number_at(condition, i);
        d->default_left = number_at(default_left, i) != 0;
        d->cover = (float)number_at(cover, i);
        bool is_leaf = d->left < 0;
        if (!is_leaf && (d->left >= (int)n || d->right < 0 || d->right >= (int)n ||
                         d->feature < 0 || (size_t)d->feature >= columns || !(d->cover > 0) ||
                         (split_type != NULL && number_at(split_type, i) != 0)))
            return false;
    }
    *count = n;
    return true;
}

/* ---- the tables ---------------------------------------------------------------------------- */

/* What the path to one leaf tests, gathered on the way down. */
typedef struct {
    path_test tests[MAX_NODES];
    size_t test_count;
    uint16_t features[TN_TREE_SHAP_MAX_FEATURES];
    double zero[TN_TREE_SHAP_MAX_FEATURES]; /* share of the cover that follows, per feature */
    size_t feature_count;
    double cover_share; /* of the whole path */
} path;

/*
 * The table of one leaf of value `value`: for each mask, each feature's
 * share (see tree_shap.h), the sum over subsets taken as the coefficients of
 * prod_{j != k} (o_j t + z_j).
 */
static void fill_table(const path *p, double value, double *table) {
    const size_t d = p->feature_count;
    double weight[TN_TREE_SHAP_MAX_FEATURES]; /* |S|! (d - |S| - 1)! / d! */
    for (size_t s = 0; s < d; s++) {
        double w = 1.0 / (double)d;
        for (size_t i = 1; i <= s; i++) /* divided by C(d - 1, s) */
            w *= (double)i / (double)(d - 1 - s + i);
        weight[s] = w;
    }
    for (size_t mask = 0; mask < ((size_t)1 << d); mask++) {
        for (size_t k = 0; k < d; k++) {
            double poly[TN_TREE_SHAP_MAX_FEATURES + 1] = {1.0};
            size_t degree = 0;
            for (size_t j = 0; j < d; j++) {
                if (j == k)
                    continue;
                double one = (mask >> j) & 1 ? 1.0 : 0.0;
                poly[degree + 1] = 0.0;
                for (size_t s = degree + 1; s > 0; s--)
                    poly[s] = poly[s] * p->zero[j] + poly[s - 1] * one;
                poly[0] *= p->zero[j];
                degree++;
            }
            double sum = 0.0;
            for (size_t s = 0; s <= degree; s++)
                sum += weight[s] * poly[s];
            double one_k = (mask >> k) & 1 ? 1.0 : 0.0;
            table[mask * d + k] = value * (one_k - p->zero[k]) * sum;
        }
    }
}

/* Appends the leaf the path ends at, with its tests, features and table. */
static bool add_leaf(tn_tree_shap *shap, const path *p, double value, size_t capacities[4]) {
    const size_t d = p->feature_count, numbers = ((size_t)1 << d) * d;
    if (shap->number_count + numbers > MAX_TABLE_NUMBERS ||
        !reserve((void **)&shap->leaves, sizeof(leaf), shap->leaf_count, 1, &capacities[0]) ||
        !reserve((void **)&shap->tests, sizeof(path_test), shap->test_count, p->test_count,
                 &capacities[1]) ||
        !reserve((void **)&shap->features, sizeof(uint16_t), shap->feature_count, d,
                 &capacities[2]) ||
        !reserve((void **)&shap->numbers, sizeof(double), shap->number_count, numbers,
                 &capacities[3]))
        return false;
    shap->leaves[shap->leaf_count++] =
        (leaf){(uint32_t)shap->test_count, (uint32_t)p->test_count, (uint32_t)shap->feature_count,
               (uint32_t)shap->number_count, (uint8_t)d};
    memcpy(shap->tests + shap->test_count, p->tests, p->test_count * sizeof *p->tests);
    shap->test_count += p->test_count;
    memcpy(shap->features + shap->feature_count, p->features, d * sizeof *p->features);
    shap->feature_count += d;
    fill_table(p, value, shap->numbers + shap->number_count);
    shap->number_count += numbers;
    return true;
}

/* Walks down from node `at`, adding every leaf below; false when a path has too many features. */
static bool walk(tn_tree_shap *shap, const node *nodes, int at, path *p, double *expected,
                 size_t capacities[4]) {
    const node *here = &nodes[at];
    if (p->test_count == MAX_NODES) /* deeper than the tree has nodes: not a tree */
        return false;
    if (here->left < 0) {
        *expected += here->value * p->cover_share;
        return add_leaf(shap, p, here->value, capacities);
    }
    size_t slot = 0;
    while (slot < p->feature_count && p->features[slot] != here->feature)
        slot++;
    if (slot == TN_TREE_SHAP_MAX_FEATURES)
        return false;
    const bool new_feature = slot == p->feature_count;
    if (new_feature) {
        p->features[slot] = (uint16_t)here->feature;
        p->zero[slot] = 1.0;
        p->feature_count++;
    }
    const double zero_before = p->zero[slot], share_before = p->cover_share;
    bool ok = true;
    for (int side = 0; ok && side < 2; side++) {
        int child = side == 0 ? here->left : here->right;
        double share = nodes[child].cover / here->cover;
        p->tests[p->test_count++] = (path_test){(uint16_t)at, (uint8_t)(side == 0), (uint8_t)slot};
        p->zero[slot] = zero_before * share;
        p->cover_share = share_before * share;
        ok = walk(shap, nodes, child, p, expected, capacities);
        p->test_count--;
    }
    p->zero[slot] = zero_before;
    p->cover_share = share_before;
    if (new_feature)
        p->feature_count--;
    return ok;
}

/* The leaf a row reaches that goes left where left[node] says. */
static int leaf_by(const node *nodes, const bool *left) {
    int at = 0;
    while (nodes[at].left >= 0)
        at = left[at] ? nodes[at].left : nodes[at].right;
    return at;
}

/* Adds every leaf of `tr` to out (by column), for a row that goes left where left[node] says. */
static void add_leaves(const tn_tree_shap *shap, const tree *tr, const bool *left, double *out) {
    for (uint32_t l = tr->first_leaf; l < tr->first_leaf + tr->leaves; l++) {
        const leaf *lf = &shap->leaves[l];
        const path_test *tests = shap->tests + lf->first_test;
        size_t mask = ((size_t)1 << lf->features) - 1;
        for (uint32_t i = 0; i < lf->tests; i++)
            if (left[tests[i].node] != tests[i].left)
                mask &= ~((size_t)1 << tests[i].slot);
        const double *values = shap->numbers + lf->table + mask * lf->features;
        const uint16_t *features = shap->features + lf->first_feature;
        for (uint8_t k = 0; k < lf->features; k++)
            out[features[k]] += values[k];
    }
}

/*
 * Gives tree `tr` (its leaves' tables made) its whole-tree table when it has
 * at most PATTERN_NODES splits: for each way a row can go at the splits, the
 * sum of the leaves' rows, by feature. `sums` is a zeroed scratch of
 * columns + 1 numbers, left zeroed. False only when memory ran out.
 */
static bool add_pattern_table(tn_tree_shap *shap, tree *tr, double *sums, size_t *capacity) {
    const node *nodes = shap->nodes + tr->first_node;
    tr->splits = tr->features = 0;
    for (uint32_t n = 0; n < tr->nodes; n++) {
        if (nodes[n].left < 0)
            continue;
        if (tr->splits == PATTERN_NODES)
            return true; /* too many: the leaves' tables serve */
        tr->split_node[tr->splits++] = (uint16_t)n;
        uint8_t k = 0;
        while (k < tr->features && tr->feature[k] != nodes[n].feature)
            k++;
        if (k == tr->features)
            tr->feature[tr->features++] = (uint16_t)nodes[n].feature;
    }
    const size_t patterns = (size_t)1 << tr->splits, numbers = patterns * tr->features;
    if (shap->number_count + numbers > MAX_TABLE_NUMBERS ||
        !reserve((void **)&shap->numbers, sizeof(double), shap->number_count, numbers, capacity))
        return shap->number_count + numbers > MAX_TABLE_NUMBERS;
    if (!reserve((void **)&shap->pattern_leaves, sizeof(float), shap->pattern_leaf_count, patterns,
                 &shap->pattern_leaf_capacity))
        return false;
    bool left[MAX_NODES] = {false};
    tr->table = (uint32_t)shap->number_count;
    tr->leaf_values = (uint32_t)shap->pattern_leaf_count;
    for (size_t pattern = 0; pattern < patterns; pattern++) {
        for (uint8_t i = 0; i < tr->splits; i++)
            left[tr->split_node[i]] = (pattern >> i) & 1;
        shap->pattern_leaves[shap->pattern_leaf_count++] = (float)nodes[leaf_by(nodes, left)].value;
        add_leaves(shap, tr, left, sums);
        for (uint8_t k = 0; k < tr->features; k++) {
            shap->numbers[shap->number_count++] = sums[tr->feature[k]];
            sums[tr->feature[k]] = 0.0;
        }
    }
    tr->patterned = true;
    return true;
}

/* The trees array of a gbtree model with one output, or NULL. */
static const json_t *model_trees(const json_t *root) {
    const json_t *learner = json_object_get(root, "learner");
    const json_t *booster = json_object_get(learner, "gradient_booster");
    const json_t *param = json_object_get(learner, "learner_model_param");
    const char *name = json_string_value(json_object_get(booster, "name"));
    const char *classes = json_string_value(json_object_get(param, "num_class"));
    const char *targets = json_string_value(json_object_get(param, "num_target"));
    if (name == NULL || strcmp(name, "gbtree") != 0 || (classes && strcmp(classes, "0") != 0) ||
        (targets && strcmp(targets, "1") != 0))
        return NULL;
    const json_t *trees = json_object_get(json_object_get(booster, "model"), "trees");
    return json_is_array(trees) ? trees : NULL;
}

/* Reads every tree and makes its tables; false when one is not for tables (or memory ran out). */
static bool add_trees(tn_tree_shap *shap, const json_t *trees, node *scratch, path *p,
                      double *sums) {
    size_t capacities[5] = {0, 0, 0, 0, 0}; /* leaves, tests, features, numbers, nodes */
    shap->tree_count = json_array_size(trees);
    shap->trees = calloc(shap->tree_count ? shap->tree_count : 1, sizeof *shap->trees);
    if (shap->trees == NULL)
        return false;
    for (size_t t = 0; t < shap->tree_count; t++) {
        size_t n = 0;
        if (!read_tree(json_array_get(trees, t), shap->columns, scratch, &n) ||
            !reserve((void **)&shap->nodes, sizeof(node), shap->node_count, n, &capacities[4]))
            return false;
        memcpy(shap->nodes + shap->node_count, scratch, n * sizeof *scratch);
        tree *out = &shap->trees[t];
        memset(out, 0, sizeof *out);
        out->first_node = (uint32_t)shap->node_count;
        out->nodes = (uint32_t)n;
        out->first_leaf = (uint32_t)shap->leaf_count;
        shap->node_count += n;
        memset(p, 0, sizeof *p);
        p->cover_share = 1.0;
        if (!walk(shap, scratch, 0, p, &out->expected, capacities))
            return false;
        out->leaves = (uint32_t)(shap->leaf_count - out->first_leaf);
        if (!add_pattern_table(shap, out, sums, &capacities[3]))
            return false;
    }
    return true;
}

bool tn_tree_shap_build(const char *json, size_t length, size_t columns, tn_tree_shap **out,
                        tn_error *err) {
    *out = NULL;
    json_error_t problem;
    json_t *root = json_loadb(json, length, 0, &problem);
    if (root == NULL)
        return tn_error_set(err, TN_ERR_MODEL, "the model's JSON does not parse: %s (line %d)",
                            problem.text, problem.line);
    const json_t *trees = model_trees(root);
    tn_tree_shap *shap = calloc(1, sizeof *shap);
    node *scratch = tn_alloc_array(MAX_NODES, sizeof *scratch, "a tree's nodes", err);
    path *p = tn_alloc_array(1, sizeof *p, "a tree path", err);
    double *sums = tn_alloc_array(columns + 1, sizeof *sums, "a row of SHAP values", err);
    bool made = trees != NULL && shap != NULL && scratch != NULL && p != NULL && sums != NULL;
    if (made) {
        shap->columns = columns;
        made = add_trees(shap, trees, scratch, p, sums);
    }
    bool ok = scratch != NULL && p != NULL && shap != NULL && sums != NULL;
    free(sums);
    if (shap == NULL)
        tn_error_set(err, TN_ERR_NOMEM, "out of memory for the SHAP tables");
    free(scratch);
    free(p);
    json_decref(root);
    if (made)
        *out = shap;
    else
        tn_tree_shap_free(shap);
    return ok;
}

/* ---- rows ---------------------------------------------------------------------------------- */

/* Whether node `d` sends `row` left (XGBoost's rule: a missing value takes the default side). */
static inline bool goes_left(const node *d, const float *row) {
    float value = row[d->feature];
    return isnan(value) ? d->default_left : value < d->threshold;
}

/* The leaf `row` reaches from the root of `nodes` (one tree's). */
static inline int leaf_reached(const node *nodes, const float *row) {
    int at = 0;
    while (nodes[at].left >= 0)
        at = goes_left(&nodes[at], row) ? nodes[at].left : nodes[at].right;
    return at;
}

double tn_tree_shap_leaf_sum(const tn_tree_shap *shap, const float *row) {
    double sum = 0.0;
    for (size_t t = 0; t < shap->tree_count; t++) {
        const node *nodes = shap->nodes + shap->trees[t].first_node;
        sum += nodes[leaf_reached(nodes, row)].value;
    }
    return sum;
}

/* Where `row` goes at tree `tr`'s splits, bit i for its i-th split (a patterned tree). */
static inline size_t pattern_of(const tree *tr, const node *nodes, const float *row) {
    size_t pattern = 0;
    for (uint8_t i = 0; i < tr->splits; i++)
        pattern |= (size_t)goes_left(&nodes[tr->split_node[i]], row) << i;
    return pattern;
}

/* The value of the leaf `row` reaches in tree `tr`. */
static inline float leaf_value(const tn_tree_shap *shap, const tree *tr, const float *row) {
    const node *nodes = shap->nodes + tr->first_node;
    if (tr->patterned)
        return shap->pattern_leaves[tr->leaf_values + pattern_of(tr, nodes, row)];
    return (float)nodes[leaf_reached(nodes, row)].value;
}

enum { MARGIN_BLOCK = 64 }; /* rows a tree is walked for while its nodes are in the cache */

typedef struct {
    const tn_tree_shap *shap;
    float start;
    const float *x;
    float *out;
} margins_job;

static bool margins_range(void *context, size_t from, size_t to) {
    const margins_job *job = context;
    const tn_tree_shap *shap = job->shap;
    for (size_t first = from; first < to; first += MARGIN_BLOCK) {
        size_t end = first + MARGIN_BLOCK < to ? first + MARGIN_BLOCK : to;
        for (size_t r = first; r < end; r++)
            job->out[r] = job->start;
        for (size_t t = 0; t < shap->tree_count; t++)
            for (size_t r = first; r < end; r++)
                job->out[r] += leaf_value(shap, &shap->trees[t], job->x + r * shap->columns);
    }
    return true;
}

void tn_tree_shap_margins(const tn_tree_shap *shap, float start, const float *x, size_t rows,
                          float *out) {
    margins_job job = {shap, start, x, out};
    tn_parallel_for(rows, rows >= 4096 ? 0 : 1, margins_range, &job);
}

/* A step of a 64-bit linear congruential sequence (Knuth's MMIX constants), high bits returned. */
static uint32_t next_probe(uint64_t *state) {
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (uint32_t)(*state >> 33);
}

bool tn_tree_shap_probe_rows(const tn_tree_shap *shap, size_t rows, float *out) {
    size_t columns = shap->columns;
    size_t *first =
        calloc(columns + 1, sizeof *first); /* column c's thresholds: [first[c], first[c+1]) */
    float *thresholds = malloc((shap->node_count + 1) * sizeof *thresholds);
    bool ok = first != NULL && thresholds != NULL;
    for (size_t n = 0; ok && n < shap->node_count; n++)
        if (shap->nodes[n].left >= 0)
            first[shap->nodes[n].feature + 1]++;
    for (size_t c = 0; ok && c < columns; c++)
        first[c + 1] += first[c];
    size_t *filled = ok ? calloc(columns + 1, sizeof *filled) : NULL;
    ok = ok && filled != NULL;
    for (size_t n = 0; ok && n < shap->node_count; n++) {
        const node *d = &shap->nodes[n];
        if (d->left >= 0)
            thresholds[first[d->feature] + filled[d->feature]++] = d->threshold;
    }
    uint64_t state = 20261203;
    for (size_t r = 0; ok && r < rows; r++)
        for (size_t c = 0; c < columns; c++) {
            uint32_t pick = next_probe(&state);
            size_t count = first[c + 1] - first[c];
            float *value = &out[r * columns + c];
            if (count == 0 || pick % 4 == 0) {
                *value = count == 0 ? 0.0f : NAN;
                continue;
            }
            float threshold = thresholds[first[c] + (pick / 4) % count];
            *value = pick % 4 == 1 ? threshold : nextafterf(threshold, -INFINITY);
        }
    free(first);
    free(filled);
    free(thresholds);
    return ok;
}

double tn_tree_shap_base(const tn_tree_shap *shap) {
    return shap->base;
}

void tn_tree_shap_set_base(tn_tree_shap *shap, double base_margin) {
    shap->base = base_margin;
}

/*
 * One row's values into out (columns + 1, zeroed here), and its margin from
 * `start` into *margin (unless NULL), added in float in tree order as
 * tn_tree_shap_margins does.
 */
static void row_contributions(const tn_tree_shap *shap, const float *row, double *out, float start,
                              float *margin) {
    bool left[MAX_NODES];
    memset(out, 0, (shap->columns + 1) * sizeof *out);
    double bias = shap->base;
    float sum = start;
    for (size_t t = 0; t < shap->tree_count; t++) {
        const tree *tr = &shap->trees[t];
        const node *nodes = shap->nodes + tr->first_node;
        bias += tr->expected;
        if (tr->patterned) {
            size_t pattern = pattern_of(tr, nodes, row);
            const double *values = shap->numbers + tr->table + pattern * tr->features;
            for (uint8_t k = 0; k < tr->features; k++)
                out[tr->feature[k]] += values[k];
            sum += shap->pattern_leaves[tr->leaf_values + pattern];
            continue;
        }
        for (uint32_t n = 0; n < tr->nodes; n++)
            left[n] = nodes[n].left >= 0 && goes_left(&nodes[n], row);
        add_leaves(shap, tr, left, out);
        sum += (float)nodes[leaf_by(nodes, left)].value; /* the tests made above, not again */
    }
    out[shap->columns] = bias;
    if (margin != NULL)
        *margin = sum;
}

typedef struct {
    const tn_tree_shap *shap;
    const float *x;
    double *out;
    float start;
    float *margins; /* or NULL */
} rows_job;

static bool rows_range(void *context, size_t from, size_t to) {
    const rows_job *job = context;
    const size_t width = job->shap->columns;
    for (size_t r = from; r < to; r++)
        row_contributions(job->shap, job->x + r * width, job->out + r * (width + 1), job->start,
                          job->margins != NULL ? job->margins + r : NULL);
    return true;
}

void tn_tree_shap_contributions(const tn_tree_shap *shap, const float *x, size_t rows, double *out,
                                float start, float *margins) {
    rows_job job = {shap, x, out, start, margins};
    /* a thread is worth starting for a few hundred rows, not for one customer */
    tn_parallel_for(rows, rows >= 256 ? 0 : 1, rows_range, &job);
}
