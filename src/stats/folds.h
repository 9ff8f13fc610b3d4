/*
 * folds.h — cross-validation folds dealt, not drawn, with the rows of one
 * group (one customer's monthly snapshots) kept together.
 *
 * Rows that share a group are near copies of each other: a customer's
 * snapshots a month apart have much the same features, margin and label.
 * Split across folds, each held-out row has its twin among the rows fitted,
 * and a map that follows the rows closely (isotonic regression) looks
 * better out of fold than it is on new customers. So a group is held out
 * whole.
 *
 * The groups are dealt in turn, which needs no random numbers and gives
 * every fold the same share of each kind: the groups with a positive row and
 * those without, each in order of their mean score (then of their first
 * row), go to folds 0, 1, …, k − 1, 0, 1, … So the folds have the data's
 * balance of classes and its spread of scores.
 */
#ifndef TN_STATS_FOLDS_H
#define TN_STATS_FOLDS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

/*
 * Deals n rows (their score, 0/1 label and group; group NULL: each row its
 * own) into k folds: fold[i] in 0 … k − 1. TN_ERR_INPUT when k is not in
 * 2 … 255; TN_ERR_NOMEM.
 */
bool tn_folds_deal(const double *score, const double *label, const size_t *group, size_t n, int k,
                   unsigned char *fold, tn_error *err);

#endif
