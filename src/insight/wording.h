/*
 * wording.h — the model's features in business words: a label that names
 * what is counted and over which window ("High-priority tickets since
 * signup", "Events, last 30 days"), and a driver's value said with it
 * ("high-priority tickets since signup: 4", "plan: starter", "no open
 * expansion deal"). Answers and the dashboard show these, never a column
 * name. A feature this table does not know is shown with its underscores
 * as spaces. Pure functions.
 */
#ifndef TN_INSIGHT_WORDING_H
#define TN_INSIGHT_WORDING_H

#include <stddef.h>

#include "ml/score.h"

/* The label of `feature`: "Days since the last event". */
const char *tn_feature_label(const char *feature, char *out, size_t size);

/* The driver's feature and value in words, lower case, into out[size]. */
void tn_driver_words(const tn_driver *driver, char *out, size_t size);

#endif
