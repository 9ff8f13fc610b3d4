/*
 * actions.c — conflict-matrix quadrants and recommended actions (see actions.h).
 *
 * Each model feature belongs to a theme (usage, onboarding, support, …);
 * the theme gives the reason a sentence states and the playbook it
 * suggests. The strongest driver that pushes the same way as the
 * prediction picks the theme.
 */
#include "insight/actions.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *features;     /* space-separated feature names of the theme */
    const char *churn_reason; /* why churn risk is up */
    const char *playbook;     /* what to do about it */
    const char *upgrade_reason;
} theme;

static const theme themes[] = {
    {"days_since_last_event", "the account has gone quiet",
     "book a re-engagement session and find out which workflows stopped", "they use the product"},
    {"events_last_30d events_last_7d total_events retention_signal_count avg_adoption_score",
     "usage is low or falling", "book a re-engagement session and find out which workflows stopped",
     "usage is strong"},
    {"integration_connects_first_30d", "few integrations were connected at onboarding",
     "offer a guided integration setup", "they integrated early"},
    {"tickets_last_30d high_priority_tickets avg_resolution_hours", "support friction",
     "review their tickets with the support lead",
     "their support history looks like past upgraders'"},
    {"tenure_days is_early_stage", "the account is early in its lifecycle",
     "walk them through the onboarding checklist", "their tenure looks like past upgraders'"},
    {"premium_feature_trials_30d", "premium trials without conversion",
     "show them the value of what they trialled", "they are trialling premium features"},
    {"feature_request_tickets_90d", "unmet feature requests",
     "review their feature requests with product", "they are asking for more features"},
    {"mrr_tier_ceiling_pct", "their spend sits awkwardly in the tier",
     "check the plan still fits them", "they are near the top of their tier's price band"},
    {"has_open_expansion_opp expansion_opp_amount", "an open deal is stalling",
     "align sales and success on the open deal", "an expansion deal is open"},
};

/* Profile features (mrr, plan_tier, industry) and anything unknown. */
static const theme profile_theme = {"", "the account's profile resembles past churners'",
                                    "confirm the value they get with their executive sponsor",
                                    "their profile resembles past upgraders'"};

static bool word_in(const char *list, const char *word) {
    size_t length = strlen(word);
    for (const char *p = list; (p = strstr(p, word)) != NULL; p += length) {
        bool starts = p == list || p[-1] == ' ';
        bool ends = p[length] == '\0' || p[length] == ' ';
        if (starts && ends)
            return true;
    }
    return false;
}

static const theme *theme_of(const char *feature) {
    for (size_t i = 0; feature != NULL && i < sizeof themes / sizeof themes[0]; i++)
        if (word_in(themes[i].features, feature))
            return &themes[i];
    return &profile_theme;
}

/* The strongest driver pushing the prediction up, or NULL. */
static const tn_driver *upward_driver(const tn_driver drivers[TN_MAX_DRIVERS]) {
    for (int d = 0; d < TN_MAX_DRIVERS; d++)
        if (drivers[d].feature != NULL && drivers[d].impact > 0)
            return &drivers[d];
    return NULL;
}

/* "$12,345" */
static void format_usd(double amount, char *out, size_t size) {
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", isfinite(amount) && amount > 0 ? amount : 0.0);
    size_t length = strlen(digits), at = 0;
    if (size < 2)
        return;
    out[at++] = '$';
    for (size_t i = 0; i < length && at + 2 < size; i++) {
        if (i > 0 && (length - i) % 3 == 0)
            out[at++] = ',';
        out[at++] = digits[i];
    }
    out[at] = '\0';
}

/* "usage is low or falling (events_last_30d = 3)" */
static void reason_text(const tn_driver *driver, bool churn, char *out, size_t size) {
    const theme *t = theme_of(driver ? driver->feature : NULL);
    const char *reason = churn ? t->churn_reason : t->upgrade_reason;
    if (driver == NULL)
        snprintf(out, size, "%s", churn ? "no single driver stands out" : reason);
    else if (driver->value[0] == '\0')
        snprintf(out, size, "%s (%s unknown)", reason, driver->feature);
    else
        snprintf(out, size, "%s (%s = %s)", reason, driver->feature, driver->value);
}

tn_quadrant tn_quadrant_of(const tn_customer_score *customer) {
    bool churn_high = customer->churn_probability >= TN_QUADRANT_CUT;
    bool propensity_high =
        customer->expansion_candidate && customer->upgrade_propensity >= TN_QUADRANT_CUT;
    if (churn_high)
        return propensity_high ? TN_QUADRANT_FLIGHT_RISK : TN_QUADRANT_RETENTION_PRIORITY;
    return propensity_high ? TN_QUADRANT_GROWTH_ENGINE : TN_QUADRANT_STABLE_BASE;
}

const char *tn_quadrant_name(tn_quadrant quadrant) {
    switch (quadrant) {
    case TN_QUADRANT_GROWTH_ENGINE:
        return "Growth Engine";
    case TN_QUADRANT_FLIGHT_RISK:
        return "Flight Risk";
    case TN_QUADRANT_RETENTION_PRIORITY:
        return "Retention Priority";
    case TN_QUADRANT_STABLE_BASE:
        return "Stable Base";
    }
    return "Stable Base";
}

bool tn_is_high_value_target(bool candidate, double propensity, double expected_arr_uplift) {
    return candidate && propensity >= TN_HIGH_VALUE_PROPENSITY &&
           expected_arr_uplift >= TN_HIGH_VALUE_UPLIFT_USD;
}

void tn_churn_action(const tn_answer *answer, char *out, size_t size) {
    const tn_driver *driver = upward_driver(answer->score->churn_drivers);
    const char *playbook = theme_of(driver ? driver->feature : NULL)->playbook;
    char reason[160];
    reason_text(driver, true, reason, sizeof reason);
    const char *tier = answer->churn_tier;
    if (strcmp(tier, "critical") == 0)
        snprintf(out, size, "Escalate now: %s; %s within 48 hours.", reason, playbook);
    else if (strcmp(tier, "high") == 0)
        snprintf(out, size, "Reach out this week: %s; %s.", reason, playbook);
    else if (strcmp(tier, "medium") == 0)
        snprintf(out, size, "Watch: %s; %s at the next check-in.", reason, playbook);
    else
        snprintf(out, size, "Healthy: keep the regular cadence.");
}

void tn_upgrade_action(const tn_answer *answer, char *out, size_t size) {
    const tn_customer_score *customer = answer->score;
    char reason[160], uplift[32];
    reason_text(upward_driver(customer->upgrade_drivers), false, reason, sizeof reason);
    format_usd(answer->expected_arr_uplift, uplift, sizeof uplift);
    const char *tier = answer->propensity_tier != NULL ? answer->propensity_tier : "low";
    if (strcmp(tier, "critical") == 0 || strcmp(tier, "high") == 0)
        snprintf(out, size, "Open an expansion conversation for %s: %s; expected uplift %s ARR.",
                 customer->target_tier, reason, uplift);
    else if (strcmp(tier, "medium") == 0)
        snprintf(out, size, "Nurture toward %s: %s; share what %s adds.", customer->target_tier,
                 reason, customer->target_tier);
    else
        snprintf(out, size, "No expansion motion now: revisit next quarter.");
}

void tn_quadrant_action(const tn_answer *answer, char *out, size_t size) {
    const tn_customer_score *customer = answer->score;
    const tn_driver *driver = upward_driver(customer->churn_drivers);
    const theme *t = theme_of(driver ? driver->feature : NULL);
    char uplift[32];
    format_usd(answer->expected_arr_uplift, uplift, sizeof uplift);
    switch (answer->quadrant) {
    case TN_QUADRANT_GROWTH_ENGINE:
        snprintf(out, size, "Expand: pitch %s now (expected uplift %s ARR).", customer->target_tier,
                 uplift);
        break;
    case TN_QUADRANT_FLIGHT_RISK:
        snprintf(out, size, "Stabilise first: %s before proposing %s.", t->playbook,
                 customer->target_tier);
        break;
    case TN_QUADRANT_RETENTION_PRIORITY:
        snprintf(out, size, "Retain: %s.", t->playbook);
        break;
    case TN_QUADRANT_STABLE_BASE:
        snprintf(out, size, "Maintain: keep the regular cadence and watch for signals.");
        break;
    }
}
