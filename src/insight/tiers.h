/*
 * tiers.h — the words a number is read in: "low", "medium", "high",
 * "critical".
 *
 * A scale's tiers are three cut-offs: a value at or above `critical` is
 * critical, at or above `high` high, at or above `medium` medium, and below
 * it low. A probability's cut-offs are multiples of its model's base rate
 * (tenure train --tier-multiples, default 1, 2 and 4 times; the model's
 * metadata holds them, "tiers"), so nothing above the base rate is low:
 * with a 90-day churn rate of 5.4 %, 5.4 % is medium, 10.8 % high, 21.6 %
 * critical. The composite risk score (a 0–1 index, not a probability) has
 * fixed cut-offs, 0.25, 0.50 and 0.75, as do the probabilities of models
 * trained before tiers were relative. Every answer carries the cut-offs it
 * was read with (tn_tier_cuts_json), so a reader never has to guess them.
 * Pure functions.
 */
#ifndef TN_INSIGHT_TIERS_H
#define TN_INSIGHT_TIERS_H

#include <stdbool.h>

#include <jansson.h>

typedef struct {
    double medium, high, critical; /* increasing */
    double base_rate;              /* NAN for fixed cut-offs */
    double multiples[3];           /* of the base rate: medium, high, critical */
} tn_tier_cuts;

/* The composite risk score's cut-offs: 0.25, 0.50, 0.75. */
extern const tn_tier_cuts tn_risk_score_cuts;

/* "low", "medium", "high" or "critical"; "unknown" for NaN. */
const char *tn_tier_name(const tn_tier_cuts *cuts, double value);

/*
 * The cut-offs of a model's metadata ("tiers": base_rate, multiples, cuts),
 * or the fixed ones when the metadata has none. False (with the fixed ones)
 * when "tiers" is there but not as tenure train writes it.
 */
bool tn_tier_cuts_of_meta(const json_t *meta, tn_tier_cuts *out);

/*
 * {"medium": …, "high": …, "critical": …, "basis": "fixed"} or, relative
 * to a base rate, with "basis": "base_rate", "base_rate" and "multiples"
 * (new reference).
 */
json_t *tn_tier_cuts_json(const tn_tier_cuts *cuts);

#endif
