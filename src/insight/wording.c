/*
 * wording.c — features and values in business words (see wording.h).
 */
#include "insight/wording.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *feature;
    const char *label;    /* what is counted, and over which window */
    const char *yes, *no; /* booleans: the words for true and false */
} feature_words;

static const feature_words words[] = {
    {"mrr", "MRR (USD)", NULL, NULL},
    {"tenure_days", "Days as a customer", NULL, NULL},
    {"plan_tier", "Plan", NULL, NULL},
    {"industry", "Industry", NULL, NULL},
    {"total_events", "Events since signup", NULL, NULL},
    {"events_last_30d", "Events, last 30 days", NULL, NULL},
    {"events_last_7d", "Events, last 7 days", NULL, NULL},
    {"avg_adoption_score", "Feature adoption score since signup (0–1)", NULL, NULL},
    {"days_since_last_event", "Days since the last event", NULL, NULL},
    {"retention_signal_count", "Evidence uploads, monitoring runs and report views since signup",
     NULL, NULL},
    {"integration_connects_first_30d", "Integrations connected in the first 30 days", NULL, NULL},
    {"tickets_last_30d", "Support tickets, last 30 days", NULL, NULL},
    {"high_priority_tickets", "High-priority tickets since signup", NULL, NULL},
    {"avg_resolution_hours", "Mean hours to resolve a ticket, since signup", NULL, NULL},
    {"is_early_stage", "In the first 90 days", "in its first 90 days", "past its first 90 days"},
    {"premium_feature_trials_30d", "Premium-feature trials, last 30 days", NULL, NULL},
    {"feature_request_tickets_90d", "Feature requests, last 90 days", NULL, NULL},
    {"has_open_expansion_opp", "Open expansion deal", "an open expansion deal",
     "no open expansion deal"},
    {"expansion_opp_amount", "Open expansion deals (USD)", NULL, NULL},
    {"mrr_tier_ceiling_pct", "Position in the plan's price band (0 floor, 1 ceiling)", NULL, NULL},
};

static const feature_words *find(const char *feature) {
    for (size_t i = 0; feature != NULL && i < sizeof words / sizeof words[0]; i++)
        if (strcmp(words[i].feature, feature) == 0)
            return &words[i];
    return NULL;
}

const char *tn_feature_label(const char *feature, char *out, size_t size) {
    const feature_words *w = find(feature);
    if (w != NULL) {
        snprintf(out, size, "%s", w->label);
        return out;
    }
    snprintf(out, size, "%s", feature != NULL ? feature : "");
    for (char *c = out; *c; c++)
        *c = *c == '_' ? ' ' : *c;
    if (out[0])
        out[0] = (char)toupper((unsigned char)out[0]);
    return out;
}

void tn_driver_words(const tn_driver *driver, char *out, size_t size) {
    const feature_words *w = find(driver->feature);
    char label[128];
    tn_feature_label(driver->feature, label, sizeof label);
    /* "Events, …" → "events, …"; an acronym ("MRR") stays */
    if (label[0] != '\0' && !isupper((unsigned char)label[1]))
        label[0] = (char)tolower((unsigned char)label[0]);
    if (driver->value[0] == '\0')
        snprintf(out, size, "%s unknown", label);
    else if (w != NULL && w->yes != NULL && driver->kind == TN_FEATURE_BOOL)
        snprintf(out, size, "%s", driver->number != 0 ? w->yes : w->no);
    else
        snprintf(out, size, "%s: %s", label, driver->value);
}
