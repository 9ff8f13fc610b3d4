/*
 * tiers.c — tier names of values (see tiers.h).
 */
#include "insight/tiers.h"

#include <math.h>

const tn_tier_cuts tn_risk_score_cuts = {0.25, 0.50, 0.75};

const char *tn_tier_name(const tn_tier_cuts *cuts, double value) {
    if (isnan(value))
        return "unknown";
    if (value >= cuts->critical)
        return "critical";
    if (value >= cuts->high)
        return "high";
    if (value >= cuts->medium)
        return "medium";
    return "low";
}

json_t *tn_tier_cuts_json(const tn_tier_cuts *cuts) {
    return json_pack("{s:f, s:f, s:f}", "medium", cuts->medium, "high", cuts->high, "critical",
                     cuts->critical);
}
