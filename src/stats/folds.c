/*
 * folds.c — dealing rows to cross-validation folds by group (see folds.h).
 */
#include "stats/folds.h"

#include <stdlib.h>

typedef struct {
    size_t group, row;
} member;

typedef struct {
    int positive;
    double mean;
    size_t first, fold;
} group_summary;

static int by_group(const void *a, const void *b) {
    const member *x = a, *y = b;
    if (x->group != y->group)
        return (x->group > y->group) - (x->group < y->group);
    return (x->row > y->row) - (x->row < y->row);
}

/* Groups without a positive first, then by mean score, then by first row. */
static int by_kind_and_score(const void *a, const void *b) {
    const group_summary *x = *(group_summary *const *)a, *y = *(group_summary *const *)b;
    if (x->positive != y->positive)
        return x->positive - y->positive;
    if (x->mean != y->mean)
        return (x->mean > y->mean) - (x->mean < y->mean);
    return (x->first > y->first) - (x->first < y->first);
}

/* The groups of the sorted members into `groups`; returns how many. */
static size_t summarise(const member *members, size_t n, const double *score, const double *label,
                        group_summary *groups) {
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double sum = 0;
        int positive = 0;
        for (; j < n && members[j].group == members[i].group; j++) {
            sum += score[members[j].row];
            positive |= label[members[j].row] > 0.5;
        }
        groups[count++] = (group_summary){positive, sum / (double)(j - i), members[i].row, 0};
        i = j;
    }
    return count;
}

bool tn_folds_deal(const double *score, const double *label, const size_t *group, size_t n, int k,
                   unsigned char *fold, tn_error *err) {
    if (k < 2 || k > 255)
        return tn_error_set(err, TN_ERR_INPUT, "%d folds: between 2 and 255, please", k);
    member *members = malloc((n + 1) * sizeof *members);
    group_summary *groups = malloc((n + 1) * sizeof *groups);
    group_summary **order = malloc((n + 1) * sizeof *order);
    if (members == NULL || groups == NULL || order == NULL) {
        free(members), free(groups), free(order);
        return tn_error_set(err, TN_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        members[i] = (member){group != NULL ? group[i] : i, i};
    qsort(members, n, sizeof *members, by_group);
    size_t count = summarise(members, n, score, label, groups);
    for (size_t g = 0; g < count; g++)
        order[g] = &groups[g];
    qsort(order, count, sizeof *order, by_kind_and_score);
    size_t dealt[2] = {0, 0}; /* per kind */
    for (size_t g = 0; g < count; g++)
        order[g]->fold = dealt[order[g]->positive]++ % (size_t)k;
    for (size_t i = 0, g = 0; i < n; i++) { /* members are sorted by group, as groups[] is */
        if (i > 0 && members[i].group != members[i - 1].group)
            g++;
        fold[members[i].row] = (unsigned char)groups[g].fold;
    }
    free(members), free(groups), free(order);
    return true;
}
