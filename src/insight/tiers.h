/*
 * tiers.h — the words a number is read in: "low", "medium", "high",
 * "critical".
 *
 * A scale's tiers are three cut-offs: a value at or above `critical` is
 * critical, at or above `high` high, at or above `medium` medium, and below
 * it low. The composite risk score (a 0–1 index, not a probability) has
 * fixed cut-offs, 0.25, 0.50 and 0.75. Every answer carries the cut-offs
 * it was read with (tn_tiers_json), so a reader never has to guess them.
 * Pure functions.
 */
#ifndef TN_INSIGHT_TIERS_H
#define TN_INSIGHT_TIERS_H

#include <jansson.h>

typedef struct {
    double medium, high, critical; /* increasing */
} tn_tier_cuts;

/* The composite risk score's cut-offs: 0.25, 0.50, 0.75. */
extern const tn_tier_cuts tn_risk_score_cuts;

/* "low", "medium", "high" or "critical"; "unknown" for NaN. */
const char *tn_tier_name(const tn_tier_cuts *cuts, double value);

/* {"medium": …, "high": …, "critical": …} (new reference). */
json_t *tn_tier_cuts_json(const tn_tier_cuts *cuts);

#endif
