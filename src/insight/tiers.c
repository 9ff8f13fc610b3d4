/*
 * tiers.c — tier names of values (see tiers.h).
 */
#include "insight/tiers.h"

#include <math.h>

const tn_tier_cuts tn_risk_score_cuts = {0.25, 0.50, 0.75, NAN, {NAN, NAN, NAN}};

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

bool tn_tier_cuts_of_meta(const json_t *meta, tn_tier_cuts *out) {
    *out = tn_risk_score_cuts;
    const json_t *tiers = json_object_get(meta, "tiers");
    if (tiers == NULL)
        return true;
    const json_t *cuts = json_object_get(tiers, "cuts"),
                 *multiples = json_object_get(tiers, "multiples");
    const json_t *base = json_object_get(tiers, "base_rate");
    static const char *const names[3] = {"medium", "high", "critical"};
    double value[3], multiple[3];
    for (int i = 0; i < 3; i++) {
        const json_t *v = json_object_get(cuts, names[i]),
                     *m = json_object_get(multiples, names[i]);
        if (!json_is_number(v) || !json_is_number(m))
            return false;
        value[i] = json_number_value(v);
        multiple[i] = json_number_value(m);
    }
    if (!json_is_number(base) || !(value[0] <= value[1] && value[1] <= value[2]))
        return false;
    *out = (tn_tier_cuts){value[0],
                          value[1],
                          value[2],
                          json_number_value(base),
                          {multiple[0], multiple[1], multiple[2]}};
    return true;
}

json_t *tn_tier_cuts_json(const tn_tier_cuts *cuts) {
    json_t *json =
        json_pack("{s:f, s:f, s:f, s:s}", "medium", cuts->medium, "high", cuts->high, "critical",
                  cuts->critical, "basis", isnan(cuts->base_rate) ? "fixed" : "base_rate");
    if (!isnan(cuts->base_rate)) {
        json_object_set_new(json, "base_rate", json_real(cuts->base_rate));
        json_object_set_new(json, "multiples",
                            json_pack("{s:f, s:f, s:f}", "medium", cuts->multiples[0], "high",
                                      cuts->multiples[1], "critical", cuts->multiples[2]));
    }
    return json;
}
