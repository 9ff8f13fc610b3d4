/*
 * actions.h — what a customer success or sales team should do about a
 * customer, from the two predictions: the conflict-matrix quadrant
 * (churn probability × upgrade propensity, cut at 0.50), a
 * recommended action for the churn prediction, one for the upgrade
 * prediction, one for the quadrant, and whether the customer is a
 * high-value expansion target. answer.h computes them once per customer.
 *
 * Actions name the prediction's strongest driver when it points the same
 * way as the prediction ("usage has dropped: …"), so the sentence says why,
 * not only what. Pure functions.
 */
#ifndef TN_INSIGHT_ACTIONS_H
#define TN_INSIGHT_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "insight/answer.h"

/* Where the conflict matrix cuts both axes. */
#define TN_QUADRANT_CUT 0.50

/*
 * A high-value expansion target: upgrade propensity at or above
 * TN_HIGH_VALUE_PROPENSITY and expected ARR uplift at or above
 * TN_HIGH_VALUE_UPLIFT_USD.
 */
#define TN_HIGH_VALUE_PROPENSITY 0.50
#define TN_HIGH_VALUE_UPLIFT_USD 20000.0

/*
 * The quadrant of a customer. A customer who is not an expansion candidate
 * (already upgraded) has no propensity: it counts as low.
 */
tn_quadrant tn_quadrant_of(const tn_customer_score *customer);

/* "Growth Engine", "Flight Risk", "Retention Priority", "Stable Base". */
const char *tn_quadrant_name(tn_quadrant quadrant);

/*
 * True for a high-value expansion target (see above): a candidate with its
 * propensity and expected ARR uplift.
 */
bool tn_is_high_value_target(bool candidate, double propensity, double expected_arr_uplift);

/* The recommended action of the churn prediction (its tier already set), into out[size]. */
void tn_churn_action(const tn_answer *answer, char *out, size_t size);

/* The recommended action of the upgrade prediction (candidates only), into out[size]. */
void tn_upgrade_action(const tn_answer *answer, char *out, size_t size);

/* The action of the customer's conflict-matrix quadrant (already set), into out[size]. */
void tn_quadrant_action(const tn_answer *answer, char *out, size_t size);

#endif
